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

/** `HH:MM` in UTC, e.g. `02:30`. */
export const dailyTimePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

/** When the full reconcile runs: every N seconds, or once a day at a UTC time. */
export const reconcileScheduleSchema = z.union([
  z
    .object({
      /** Seconds between two full reconciles (at least 10; nightly is the usual choice). */
      everySeconds: z
        .number()
        .int()
        .min(10)
        .max(31 * 86_400),
    })
    .strict(),
  z
    .object({
      /** The UTC time of day of the daily full reconcile, `HH:MM`. */
      dailyAt: z.string().regex(dailyTimePattern, 'must be HH:MM (24-hour, UTC)'),
    })
    .strict(),
]);
export type ReconcileSchedule = z.infer<typeof reconcileScheduleSchema>;

/**
 * Continuous sync of one integration: incremental polls every `pollIntervalSeconds`, a full reconcile on
 * its schedule (it catches what `lastUpdated` misses: soft deletes and merges), Manage callbacks on top.
 * Off until an admin switches it on.
 */
export const continuousSyncSchema = z.object({
  enabled: z.boolean().default(false),
  /** Seconds between two incremental polls (2 s to 1 day; 60 s or more against a real Manage). */
  pollIntervalSeconds: z.number().int().min(2).max(86_400).default(60),
  reconcile: reconcileScheduleSchema.default({ dailyAt: '02:00' }),
  /** Register Manage callbacks (companies, configurations, contacts) while continuous sync is on. */
  callbacks: z.boolean().default(true),
});
export type ContinuousSyncSettings = z.infer<typeof continuousSyncSchema>;
export const defaultContinuousSync: ContinuousSyncSettings = continuousSyncSchema.parse({});

/** A change of the continuous-sync settings: what is left out keeps its value. */
export const continuousSyncPatchSchema = z
  .object({
    enabled: z.boolean(),
    pollIntervalSeconds: z.number().int().min(2).max(86_400),
    reconcile: reconcileScheduleSchema,
    callbacks: z.boolean(),
  })
  .partial()
  .strict();
export type ContinuousSyncPatch = z.infer<typeof continuousSyncPatchSchema>;

/** The stored settings with defaults for what an older integration does not have (or has invalid). */
export function continuousSyncOf(options: { continuousSync?: unknown } | undefined): ContinuousSyncSettings {
  const parsed = continuousSyncSchema.safeParse(options?.continuousSync ?? {});
  return parsed.success ? parsed.data : defaultContinuousSync;
}

/** The option fields without their defaults (a change names only what it changes). */
const optionFields = {
  /** Leave inactive Manage companies (and their records) out; otherwise they arrive in Hudu archived. */
  skipInactiveCompanies: z.boolean(),
  skipContacts: z.boolean(),
  skipConfigurations: z.boolean(),
  /** Manage configuration type ids to leave out (the types are listed after a first fetch). */
  skippedConfigurationTypeIds: z.array(z.number().int().positive()).max(1_000),
  /** The Hudu asset layout for configurations, by name or numeric id. */
  configurationLayout: z.string().min(1).max(200),
  /** The Hudu asset layout for contacts, by name or numeric id. */
  contactLayout: z.string().min(1).max(200),
  matchPolicy: matchPolicySchema,
  /**
   * Requests per minute this deployment may send with the integration's Hudu API key. Hudu Cloud allows 300;
   * a self-hosted Hudu whose throttle was raised may allow more. Each process keeps within it on its own.
   */
  huduRequestsPerMinute: z.number().int().min(1).max(100_000),
};

export const integrationOptionsSchema = z.object({
  skipInactiveCompanies: optionFields.skipInactiveCompanies.default(false),
  skipContacts: optionFields.skipContacts.default(false),
  skipConfigurations: optionFields.skipConfigurations.default(false),
  skippedConfigurationTypeIds: optionFields.skippedConfigurationTypeIds.default([]),
  configurationLayout: optionFields.configurationLayout.default('Configurations'),
  contactLayout: optionFields.contactLayout.default('Contacts'),
  matchPolicy: optionFields.matchPolicy.default('review'),
  huduRequestsPerMinute: optionFields.huduRequestsPerMinute.default(300),
  continuousSync: continuousSyncSchema.default(defaultContinuousSync),
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
  // No defaults in a change: an option left out keeps its stored value (zod's partial() would fill defaults in).
  options: z
    .object({ ...optionFields, continuousSync: continuousSyncPatchSchema })
    .partial()
    .optional(),
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
