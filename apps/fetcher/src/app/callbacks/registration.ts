import { createHash } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import {
  callbackToken,
  desiredCallbacks,
  planCallbackRegistration,
  type RegisteredCallback,
} from '@cw-hudu-sync/fetching';
import type { IntegrationCredentials, IntegrationStore, IntegrationView } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import type { ManageClient } from '@cw-hudu-sync/manage-client';
import { ManageCallbacksApi } from './manage-callbacks-api';

/** What the fetcher registered in an integration's Manage (its registration state, for health and idempotence). */
export interface CallbackRegistrationDocument {
  _id: string;
  /** Changes when anything that decides the registration changes (base URL, token, Manage site, settings). */
  fingerprint: string;
  enabled: boolean;
  callbackIds: number[];
  urls: string[];
  registeredAt: Date;
  lastError?: string;
  lastErrorAt?: Date;
}

export interface RegistrationOutcome {
  kept: number;
  added: number;
  removed: number;
}

export interface CallbackRegistrarSettings {
  db: Connection;
  integrations: Pick<IntegrationStore, 'credentials' | 'get' | 'list'>;
  manageClient: (credentials: IntegrationCredentials) => ManageClient;
  logger: Logger;
  /** The fetcher's public base URL (callbacks are off when absent). */
  baseUrl: string | undefined;
  urlSecret: string;
  /** Whether an integration wants callbacks (default: all do). */
  callbacksEnabled?: (integration: IntegrationView) => boolean;
  /** How often the reconcile checks an up-to-date registration against Manage anyway (default 1 h). */
  verifyEveryMs?: number;
}

/**
 * Registers, re-registers and removes an integration's Manage callbacks (company, configuration, contact;
 * level `owner`). Idempotent: it lists what Manage has and applies the plan (keep exact matches, remove
 * stale or duplicate ones of this integration, add the missing).
 */
export class CallbackRegistrar {
  private readonly registrations: Collection<CallbackRegistrationDocument>;
  /** Registration work per integration, one after the other in this process (no interleaved list/add). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly settings: CallbackRegistrarSettings) {
    this.registrations = settings.db.collection<CallbackRegistrationDocument>(
      'fetcher_callback_registrations',
    );
  }

  /** The token in an integration's callback URLs. */
  token(integrationId: string): string {
    return callbackToken(this.settings.urlSecret, integrationId);
  }

  /** Makes Manage's callbacks match the integration's settings (none when disabled or no base URL). */
  async register(integrationId: string): Promise<RegistrationOutcome> {
    return this.serialised(integrationId, () => this.registerNow(integrationId));
  }

  private async registerNow(integrationId: string): Promise<RegistrationOutcome> {
    const view = await this.settings.integrations.get(integrationId);
    if (!view) throw new Error(`integration "${integrationId}" does not exist`);
    const credentials = await this.settings.integrations.credentials(integrationId);
    const enabled = this.enabled(view);
    try {
      const outcome = await this.apply(credentials, enabled);
      return outcome;
    } catch (error) {
      await this.registrations
        .updateOne(
          { _id: integrationId },
          {
            $set: {
              lastError: (error as Error).message?.slice(0, 500) ?? String(error),
              lastErrorAt: new Date(),
            },
          },
        )
        .catch(() => undefined);
      throw error;
    }
  }

  /**
   * Removes every callback of this integration from its Manage. Call it while the credentials still exist
   * (before deleting the integration), or pass the credentials read before the delete.
   */
  async unregister(integration: string | IntegrationCredentials): Promise<RegistrationOutcome> {
    const id = typeof integration === 'string' ? integration : integration.id;
    return this.serialised(id, () => this.unregisterNow(integration));
  }

  private async unregisterNow(integration: string | IntegrationCredentials): Promise<RegistrationOutcome> {
    const credentials =
      typeof integration === 'string'
        ? await this.settings.integrations.credentials(integration)
        : integration;
    const outcome = await this.apply(credentials, false);
    await this.registrations.deleteOne({ _id: credentials.id });
    return outcome;
  }

  /**
   * The reconcile: registers every integration whose registration is missing or out of date, and forgets
   * the registration state of integrations that no longer exist (their callbacks then answer 404 until
   * Manage disables them).
   */
  async reconcile(): Promise<void> {
    const integrations = await this.settings.integrations.list();
    const docs = new Map((await this.registrations.find({}).toArray()).map((doc) => [doc._id, doc] as const));
    for (const view of integrations) {
      const doc = docs.get(view.id);
      docs.delete(view.id);
      // Up to date, and checked against Manage within the hour (Manage disables callbacks that kept failing).
      const fresh =
        doc !== undefined && Date.now() - new Date(doc.registeredAt).getTime() < this.verifyEveryMs;
      if (doc && fresh && doc.fingerprint === this.fingerprint(view) && doc.lastError === undefined) continue;
      try {
        const outcome = await this.register(view.id);
        this.settings.logger.info({ integrationId: view.id, ...outcome }, 'Manage callbacks registered');
      } catch (error) {
        this.settings.logger.warn({ err: error, integrationId: view.id }, 'Manage callbacks not registered');
      }
    }
    for (const orphan of docs.values()) {
      this.settings.logger.warn(
        { integrationId: orphan._id, callbackIds: orphan.callbackIds },
        'integration deleted without removing its Manage callbacks; they are left to Manage to disable',
      );
      await this.registrations.deleteOne({ _id: orphan._id });
    }
  }

  private serialised<T>(integrationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(integrationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(integrationId, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(integrationId) === next) this.queues.delete(integrationId);
      });
    return next;
  }

  private get verifyEveryMs(): number {
    return this.settings.verifyEveryMs ?? 3_600_000;
  }

  async state(integrationId: string): Promise<CallbackRegistrationDocument | undefined> {
    return (await this.registrations.findOne({ _id: integrationId })) ?? undefined;
  }

  private enabled(view: IntegrationView): boolean {
    return this.settings.baseUrl !== undefined && (this.settings.callbacksEnabled?.(view) ?? true);
  }

  private fingerprint(view: IntegrationView): string {
    return createHash('sha256')
      .update(
        JSON.stringify([
          this.settings.baseUrl ?? '',
          this.token(view.id),
          this.enabled(view),
          view.manage.siteUrl,
          view.manage.companyId,
          view.manage.publicKey,
          view.updatedAt,
        ]),
      )
      .digest('hex');
  }

  private async apply(credentials: IntegrationCredentials, enabled: boolean): Promise<RegistrationOutcome> {
    const client = this.settings.manageClient(credentials);
    try {
      const api = new ManageCallbacksApi(client, credentials.manage);
      const desired =
        enabled && this.settings.baseUrl !== undefined
          ? desiredCallbacks(this.settings.baseUrl, credentials.id, this.token(credentials.id))
          : [];
      const plan = planCallbackRegistration(credentials.id, await api.list(), desired);
      for (const entry of plan.remove) await api.remove(entry.id);
      const added: RegisteredCallback[] = [];
      for (const want of plan.add) added.push(await api.create(want));
      const current = [...plan.keep, ...added];
      if (enabled) {
        const view = await this.settings.integrations.get(credentials.id);
        await this.registrations.replaceOne(
          { _id: credentials.id },
          {
            fingerprint: view ? this.fingerprint(view) : '',
            enabled,
            callbackIds: current.map((entry) => entry.id),
            urls: current.map((entry) => entry.url),
            registeredAt: new Date(),
          },
          { upsert: true },
        );
      } else {
        const view = await this.settings.integrations.get(credentials.id);
        if (view) {
          await this.registrations.replaceOne(
            { _id: credentials.id },
            {
              fingerprint: this.fingerprint(view),
              enabled,
              callbackIds: [],
              urls: [],
              registeredAt: new Date(),
            },
            { upsert: true },
          );
        }
      }
      return { kept: plan.keep.length, added: added.length, removed: plan.remove.length };
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
