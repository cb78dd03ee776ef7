import { HuduApiError, HuduClient } from '@cw-hudu-sync/hudu-client';
import type { IntegrationCredentials } from '@cw-hudu-sync/integrations';
import {
  ManageApiError,
  ManageClient,
  ManageConfigurationError,
  ManageUnavailableError,
} from '@cw-hudu-sync/manage-client';

/** What the save-time checks found. Reasons are for the admin: plain, and free of secrets. */
export interface PreflightReport {
  ok: boolean;
  manage: {
    ok: boolean;
    /** The credentials were accepted (`/system/info` answered). */
    credentialsAccepted: boolean;
    /** Each missing security-role setting, e.g. `Companies → Configurations (Inquire): read configurations`. */
    missingGrants: string[];
    grantedCount: number;
    reason?: string;
  };
  hudu: { ok: boolean; version?: string; reason?: string };
  /** Every problem, one sentence each (empty when ok). */
  reasons: string[];
}

export type Preflight = (credentials: PreflightCredentials) => Promise<PreflightReport>;
export type PreflightCredentials = Pick<IntegrationCredentials, 'manage' | 'hudu'>;

/** Replaces every occurrence of the secrets (plain, URL-encoded and base64) in a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

function manageReason(error: unknown): string {
  if (error instanceof ManageApiError) {
    if (error.status === 401)
      return `Manage rejected the API keys (401${error.manageMessage ? ` ${error.manageMessage}` : ''}): check the company id, public key and private key`;
    return `Manage answered ${error.status} to the preflight: ${error.message}`;
  }
  if (error instanceof ManageConfigurationError) return `Manage settings: ${error.message}`;
  if (error instanceof ManageUnavailableError) return `Manage did not answer: ${error.message}`;
  return `Manage check failed: ${error instanceof Error ? error.message : String(error)}`;
}

function huduReason(error: unknown): string {
  if (error instanceof HuduApiError) {
    if (error.status === 401 || error.status === 403)
      return `Hudu rejected the API key (${error.status}${error.huduMessage ? ` ${error.huduMessage}` : ''})`;
    if (error.status === undefined) return `Hudu did not answer: ${error.message}`;
    return `Hudu answered ${error.status} to api_info: ${error.message}`;
  }
  return `Hudu check failed: ${error instanceof Error ? error.message : String(error)}`;
}

export interface PreflightSettings {
  timeoutMs?: number;
}

/**
 * The save-time checks: the Manage keys and each security-role setting the sync needs (ManageClient
 * preflight), and the Hudu address and key (`api_info`). Both run; nothing is retried at length.
 */
export function createPreflight(settings: PreflightSettings = {}): Preflight {
  const timeoutMs = settings.timeoutMs ?? 15_000;
  return async (credentials) => {
    const secrets = [credentials.manage.privateKey, credentials.hudu.apiKey];
    const [manage, hudu] = await Promise.all([
      (async (): Promise<PreflightReport['manage']> => {
        let client: ManageClient | undefined;
        try {
          client = new ManageClient({ ...credentials.manage, attempts: 1, timeoutMs });
          const report = await client.checkPermissions();
          return {
            ok: report.ok,
            credentialsAccepted: true,
            missingGrants: report.missing.map((m) => m.description),
            grantedCount: report.granted.length,
          };
        } catch (error) {
          return {
            ok: false,
            credentialsAccepted: false,
            missingGrants: [],
            grantedCount: 0,
            reason: redactSecrets(manageReason(error), secrets),
          };
        } finally {
          await client?.close().catch(() => undefined);
        }
      })(),
      (async (): Promise<PreflightReport['hudu']> => {
        let client: HuduClient | undefined;
        try {
          client = new HuduClient({ ...credentials.hudu, maxAttempts: 1, timeoutMs });
          const info = await client.apiInfo();
          return { ok: true, version: info.version };
        } catch (error) {
          return { ok: false, reason: redactSecrets(huduReason(error), secrets) };
        } finally {
          await client?.close().catch(() => undefined);
        }
      })(),
    ]);
    const reasons = [
      ...(manage.reason ? [manage.reason] : []),
      ...manage.missingGrants.map((grant) => `Manage security role is missing ${grant}`),
      ...(hudu.reason ? [hudu.reason] : []),
    ];
    return { ok: manage.ok && hudu.ok, manage, hudu, reasons };
  };
}
