import { HuduClient, type HuduClientOptions } from '@cw-hudu-sync/hudu-client';
import type { IntegrationCredentials, IntegrationStore } from '@cw-hudu-sync/integrations';
import type { Layout } from '@cw-hudu-sync/importing';

/** The integration's Hudu request budget per key (the admin's option; Hudu Cloud allows 300 a minute). */
const budgetOf = (options: IntegrationCredentials['options']) => ({
  perWindow: options.huduRequestsPerMinute,
  windowMs: 60_000,
});

/** One integration's Hudu client, options and cached layouts. */
export interface HuduSession {
  integrationId: string;
  client: HuduClient;
  options: IntegrationCredentials['options'];
  layouts?: { at: number; list: Layout[] };
}

export interface SessionSettings {
  /** How long credentials/options are reused before they are read again. */
  credentialsTtlMs?: number;
  /** How long the list of layouts is reused. */
  layoutTtlMs?: number;
  client?: Partial<Omit<HuduClientOptions, 'baseUrl' | 'apiKey'>>;
}

/**
 * Hudu clients per integration, built from the integration's decrypted credentials. A client is kept
 * (its request budget is shared per key anyway) until the base URL or key changes.
 */
export class HuduSessions {
  private readonly sessions = new Map<string, { session: HuduSession; key: string; at: number }>();
  private readonly credentialsTtlMs: number;
  private readonly layoutTtlMs: number;

  constructor(
    private readonly integrations: IntegrationStore,
    private readonly settings: SessionSettings = {},
  ) {
    this.credentialsTtlMs = settings.credentialsTtlMs ?? 10_000;
    this.layoutTtlMs = settings.layoutTtlMs ?? 30_000;
  }

  async get(integrationId: string): Promise<HuduSession> {
    const cached = this.sessions.get(integrationId);
    if (cached && Date.now() - cached.at < this.credentialsTtlMs) return cached.session;
    const credentials = await this.integrations.credentials(integrationId);
    const key = `${credentials.hudu.baseUrl}\n${credentials.hudu.apiKey}`;
    if (cached && cached.key === key) {
      cached.session.options = credentials.options;
      cached.at = Date.now();
      if (!this.settings.client?.budget) cached.session.client.requestBudget.reconfigure(budgetOf(credentials.options));
      return cached.session;
    }
    await cached?.session.client.close().catch(() => undefined);
    const session: HuduSession = {
      integrationId,
      options: credentials.options,
      client: new HuduClient({
        budget: budgetOf(credentials.options),
        ...this.settings.client,
        baseUrl: credentials.hudu.baseUrl,
        apiKey: credentials.hudu.apiKey,
      }),
    };
    this.sessions.set(integrationId, { session, key, at: Date.now() });
    return session;
  }

  /** The integration's layouts, read at most once per TTL. */
  async layouts(session: HuduSession): Promise<Layout[]> {
    if (session.layouts && Date.now() - session.layouts.at < this.layoutTtlMs) return session.layouts.list;
    const list = (await session.client.allAssetLayouts()).map((l) => ({
      id: l.id,
      name: l.name,
      active: l.active,
      fields: l.fields.map((f) => ({
        label: f.label,
        field_type: f.field_type,
        is_destroyed: f.is_destroyed,
      })),
    }));
    session.layouts = { at: Date.now(), list };
    return list;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((s) => s.session.client.close().catch(() => undefined)),
    );
    this.sessions.clear();
  }
}
