import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import {
  type IntegrationCredentials,
  IntegrationStore,
  type IntegrationView,
} from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import { ManageClient, type ManageClientOptions } from '@cw-hudu-sync/manage-client';
import type { EventPublisher } from '@cw-hudu-sync/messaging';
import type { SecretBox } from '@cw-hudu-sync/secrets';
import { callbackMetrics } from './callback-metrics';
import { CallbackReceiver } from './callback-receiver';
import { type CallbackHealthDocument, CallbackWorker } from './callback-worker';
import { DrainerLease } from './drainer-lease';
import { CallbackInbox, CallbackRejections } from './inbox-store';
import {
  type CallbackRegistrationDocument,
  CallbackRegistrar,
  type RegistrationOutcome,
} from './registration';
import { SigningKeyCache } from './signing-keys';

export { callbackRoutes } from './callback-receiver';
export { callbackEnvironment } from './environment';

export interface CallbackSettings {
  db: Connection;
  publisher: Pick<EventPublisher, 'publish'>;
  secrets: SecretBox;
  logger: Logger;
  metrics?: Registry;
  /** The fetcher's public base URL (CALLBACK_BASE_URL); without it nothing is registered. */
  baseUrl: string | undefined;
  /** CALLBACK_URL_SECRET, else derived from CWHS_ENCRYPTION_KEYS by the caller (see `callbackUrlSecret`). */
  urlSecret: string;
  manageClientOptions?: Partial<
    Omit<ManageClientOptions, 'siteUrl' | 'companyId' | 'publicKey' | 'privateKey' | 'clientId'>
  >;
  pollMs?: number;
  registrationIntervalMs?: number;
  leaseSlotMs?: number;
  /** Whether an integration wants callbacks (default: `continuousSyncWantsCallbacks`). */
  callbacksEnabled?: (integration: IntegrationView) => boolean;
}

/** Callback health of one integration, for the admin API. */
export interface CallbackHealth {
  integrationId: string;
  registration?: Pick<
    CallbackRegistrationDocument,
    'enabled' | 'callbackIds' | 'registeredAt' | 'lastError' | 'lastErrorAt'
  >;
  pending: number;
  lastReceivedAt?: Date;
  lastProcessedAt?: Date;
  processed: CallbackHealthDocument['processed'];
  lastError?: string;
  lastErrorAt?: Date;
}

/**
 * The fetcher's Manage callbacks. The names below are the contract with the rest of the fetcher
 * (integration-change handling calls them):
 * - `integrationChanged(id)`: after an integration was created or changed (settings, credentials, the
 *   callbacks switch): drops cached credentials and re-registers (or removes when switched off).
 * - `integrationRemoved(credentials)`: before (or right after, with credentials read before) deleting an
 *   integration: removes its callbacks from Manage.
 * - `health(id)`: registration, waiting callbacks, last received/processed, last error.
 */
export interface CallbackService {
  receiver: CallbackReceiver;
  worker: CallbackWorker;
  registrar: CallbackRegistrar;
  integrationChanged(integrationId: string): Promise<RegistrationOutcome>;
  integrationRemoved(integration: string | IntegrationCredentials): Promise<RegistrationOutcome>;
  health(integrationId: string): Promise<CallbackHealth>;
  stop(): Promise<void>;
}

/** The admin's switch: continuous sync on and its callbacks not switched off (`options.continuousSync`). */
export function continuousSyncWantsCallbacks(integration: IntegrationView): boolean {
  const continuous = (integration.options as { continuousSync?: { enabled?: boolean; callbacks?: boolean } })
    .continuousSync;
  return continuous?.enabled === true && continuous.callbacks !== false;
}

/** The URL-token secret: CALLBACK_URL_SECRET, else one derived from the encryption keys (stable across replicas). */
export function callbackUrlSecret(explicit: string | undefined, encryptionKeys: string): string {
  return (
    explicit ??
    createHash('sha256').update(`cw-hudu-sync callback url secret\u0000${encryptionKeys}`).digest('base64url')
  );
}

export async function startCallbacks(settings: CallbackSettings): Promise<CallbackService> {
  const integrations = new IntegrationStore(settings.db, settings.secrets);
  const inbox = new CallbackInbox(settings.db);
  await inbox.ensureIndexes();
  const metrics = settings.metrics ? callbackMetrics(settings.metrics) : undefined;
  const manageClient = (credentials: IntegrationCredentials) =>
    new ManageClient({
      attempts: 3,
      timeoutMs: 10_000,
      backoff: { initialMs: 200, maxMs: 2_000 },
      ...settings.manageClientOptions,
      ...credentials.manage,
    });
  const registrar = new CallbackRegistrar({
    db: settings.db,
    integrations,
    manageClient,
    logger: settings.logger,
    baseUrl: settings.baseUrl,
    urlSecret: settings.urlSecret,
    callbacksEnabled: settings.callbacksEnabled ?? continuousSyncWantsCallbacks,
  });
  const worker = new CallbackWorker({
    db: settings.db,
    inbox,
    lease: new DrainerLease(settings.db, undefined, settings.leaseSlotMs ?? 10_000),
    integrations,
    publisher: settings.publisher,
    manageClient,
    logger: settings.logger,
    ...(metrics ? { metrics } : {}),
    pollMs: settings.pollMs ?? 500,
    periodic: { everyMs: settings.registrationIntervalMs ?? 60_000, run: () => registrar.reconcile() },
  });
  const receiver = new CallbackReceiver({
    inbox,
    rejections: new CallbackRejections(settings.db),
    integrations,
    keys: new SigningKeyCache(),
    urlSecret: settings.urlSecret,
    logger: settings.logger,
    ...(metrics ? { metrics } : {}),
    onStored: () => worker.wake(),
  });
  worker.start();
  return {
    receiver,
    worker,
    registrar,
    async integrationChanged(integrationId) {
      worker.forget(integrationId);
      receiver.forget(integrationId);
      return registrar.register(integrationId);
    },
    async integrationRemoved(integration) {
      const id = typeof integration === 'string' ? integration : integration.id;
      worker.forget(id);
      receiver.forget(id);
      return registrar.unregister(integration);
    },
    async health(integrationId) {
      const [registration, pending, doc] = await Promise.all([
        registrar.state(integrationId),
        inbox.pending(integrationId),
        worker.healthOf(integrationId),
      ]);
      return {
        integrationId,
        ...(registration
          ? {
              registration: {
                enabled: registration.enabled,
                callbackIds: registration.callbackIds,
                registeredAt: registration.registeredAt,
                ...(registration.lastError !== undefined
                  ? { lastError: registration.lastError, lastErrorAt: registration.lastErrorAt }
                  : {}),
              },
            }
          : {}),
        pending,
        ...(doc?.lastReceivedAt ? { lastReceivedAt: doc.lastReceivedAt } : {}),
        ...(doc?.lastProcessedAt ? { lastProcessedAt: doc.lastProcessedAt } : {}),
        processed: doc?.processed ?? {},
        ...(doc?.lastError !== undefined ? { lastError: doc.lastError, lastErrorAt: doc.lastErrorAt } : {}),
      };
    },
    stop: () => worker.stop(),
  };
}

// Keeps the route wiring in one import for main.ts.
export { CallbackReceiver };
