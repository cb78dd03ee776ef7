import { z } from 'zod';

/** Outbound URLs must be https; plain http is allowed only for loopback (the simulators). */
export function isAllowedOutboundUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return (
    url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))
  );
}

const outboundUrl = z
  .string()
  .max(500)
  .refine(isAllowedOutboundUrl, 'must be an https URL (plain http only for localhost/127.0.0.1)');

export const integrationIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const matchPolicySchema = z.enum(['review', 'auto-exact', 'auto-create']);

export const integrationOptionsSchema = z.object({
  /** Leave inactive Manage companies (and their records) out; otherwise they arrive in Hudu archived. */
  skipInactiveCompanies: z.boolean().default(false),
  skipContacts: z.boolean().default(false),
  skipConfigurations: z.boolean().default(false),
  /** Manage configuration type ids to leave out (the types are listed after a first fetch). */
  skippedConfigurationTypeIds: z.array(z.number().int().positive()).max(1_000).default([]),
  /** The Hudu asset layout for configurations, by name or numeric id. */
  configurationLayout: z.string().min(1).max(200).default('Configurations'),
  /** The Hudu asset layout for contacts, by name or numeric id. */
  contactLayout: z.string().min(1).max(200).default('Contacts'),
  matchPolicy: matchPolicySchema.default('review'),
});
export type IntegrationOptions = z.infer<typeof integrationOptionsSchema>;

const manageSettings = z.object({
  /** The Manage site: a cloud host (e.g. https://na.myconnectwise.net) or an on-premises server. */
  siteUrl: outboundUrl,
  /** The login company id, e.g. "mymsp". */
  companyId: z.string().min(1).max(100),
  publicKey: z.string().min(1).max(200),
  clientId: z.string().min(1).max(200),
});

const huduSettings = z.object({
  baseUrl: outboundUrl,
});

/** What an admin sends to create an integration. Secrets are write-only: accepted here, never returned. */
export const newIntegrationSchema = z.object({
  id: z
    .string()
    .regex(
      integrationIdPattern,
      'must be lowercase letters, digits and "-", starting with a letter or digit',
    ),
  name: z.string().min(1).max(200),
  manage: manageSettings.extend({ privateKey: z.string().min(1).max(500) }),
  hudu: huduSettings.extend({ apiKey: z.string().min(1).max(500) }),
  options: integrationOptionsSchema.default(integrationOptionsSchema.parse({})),
});
export type NewIntegration = z.input<typeof newIntegrationSchema>;

/** A partial update; a secret left out keeps its stored value. */
export const integrationPatchSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  manage: manageSettings
    .extend({ privateKey: z.string().min(1).max(500) })
    .partial()
    .optional(),
  hudu: huduSettings
    .extend({ apiKey: z.string().min(1).max(500) })
    .partial()
    .optional(),
  options: integrationOptionsSchema.partial().optional(),
});
export type IntegrationPatch = z.input<typeof integrationPatchSchema>;

/** The public view of an integration: everything but the secrets. */
export interface IntegrationView {
  id: string;
  name: string;
  manage: { siteUrl: string; companyId: string; publicKey: string; clientId: string; privateKeySet: true };
  hudu: { baseUrl: string; apiKeySet: true };
  options: IntegrationOptions;
  discoveredConfigurationTypes: Array<{ id: number; name: string; count: number }>;
  createdAt: string;
  updatedAt: string;
}

/** Decrypted credentials: for the process that calls Manage or Hudu, in memory only, never logged. */
export interface IntegrationCredentials {
  id: string;
  manage: { siteUrl: string; companyId: string; publicKey: string; privateKey: string; clientId: string };
  hudu: { baseUrl: string; apiKey: string };
  options: IntegrationOptions;
}
