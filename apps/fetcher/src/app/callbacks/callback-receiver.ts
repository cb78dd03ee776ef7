import type { FastifyInstance } from 'fastify';
import {
  CALLBACK_ROUTE_PREFIX,
  callbackRecordKind,
  isTrustedKeyUrl,
  keyUrlOf,
  manageCallbackPayloadSchema,
  verifyCallbackSignature,
  verifyCallbackToken,
} from '@cw-hudu-sync/fetching';
import type { IntegrationStore, IntegrationView } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import type { CallbackMetrics } from './callback-metrics';
import type { CallbackInbox, CallbackRejections } from './inbox-store';
import { type SigningKeyCache, SigningKeyError } from './signing-keys';

export interface CallbackReceipt {
  status: number;
  body: { accepted: boolean; reason?: string };
}

export interface CallbackReceiverSettings {
  inbox: Pick<CallbackInbox, 'add'>;
  /** Where rejections of callbacks with a valid URL token are recorded (callback health). */
  rejections?: Pick<CallbackRejections, 'add'>;
  integrations: Pick<IntegrationStore, 'get'>;
  keys: Pick<SigningKeyCache, 'get' | 'refresh'>;
  urlSecret: string;
  logger: Logger;
  metrics?: CallbackMetrics;
  /** Told about every stored callback (the worker drains at once). */
  onStored?: () => void;
  /** How long an integration's Manage site is reused for key-URL checks. */
  integrationTtlMs?: number;
}

/**
 * Receipt of Manage callbacks: the URL's token, the signature exactly as Manage makes it (HMAC-SHA256 over
 * the raw body, key from the payload's trusted `key_url`, `x-content-signature`), the payload, then a
 * durable insert into the inbox — and the answer, at once. Rejections are 401 (unsigned, bad token, bad
 * signature, untrusted key URL), counted and logged without the body. When the inbox cannot be written the
 * answer is 429, one of the statuses Manage retries on.
 */
export class CallbackReceiver {
  private readonly views = new Map<string, { view: IntegrationView | undefined; at: number }>();

  constructor(private readonly settings: CallbackReceiverSettings) {}

  async receive(
    params: { integrationId: string; kind: string; token: string },
    signature: string | undefined,
    rawBody: Buffer,
  ): Promise<CallbackReceipt> {
    const { integrationId } = params;
    let tokenValid = false;
    const reject = (status: number, outcome: string, detail?: Record<string, unknown>): CallbackReceipt => {
      this.settings.metrics?.received.inc({ outcome });
      if (tokenValid && status === 401) {
        void this.settings.rejections?.add(integrationId, outcome).catch(() => undefined);
      }
      this.settings.logger.warn(
        { integrationId: integrationId.slice(0, 100), kind: params.kind.slice(0, 30), outcome, ...detail },
        'Manage callback rejected',
      );
      return { status, body: { accepted: false, reason: outcome } };
    };
    tokenValid = verifyCallbackToken(this.settings.urlSecret, integrationId, params.token);
    if (!signature) return reject(401, 'unsigned');
    if (!tokenValid) return reject(401, 'bad_token');
    const kind = callbackRecordKind(params.kind);
    if (!kind) return reject(400, 'unknown_type');
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return reject(400, 'invalid_json');
    }
    const keyUrl = keyUrlOf(json);
    if (!keyUrl) return reject(401, 'no_key_url');
    let view: IntegrationView | undefined;
    try {
      view = await this.view(integrationId);
    } catch (error) {
      return reject(429, 'unavailable', { err: error });
    }
    if (!view) return reject(404, 'unknown_integration');
    if (!isTrustedKeyUrl(keyUrl, view.manage.siteUrl)) return reject(401, 'untrusted_key_url');
    let key: string;
    try {
      key = await this.settings.keys.get(keyUrl, view.manage.clientId);
    } catch (error) {
      // Manage does not know the key: not a genuine callback. Manage unreachable: 429, which Manage retries.
      if (error instanceof SigningKeyError && error.status >= 400 && error.status < 500)
        return reject(401, 'unknown_key');
      return reject(429, 'key_unavailable', { err: error });
    }
    if (!verifyCallbackSignature(rawBody, signature, key)) {
      // Manage may have rotated its key: refetch once (rate-limited per key URL), then decide.
      const fresh = await this.settings.keys.refresh(keyUrl, view.manage.clientId).catch(() => undefined);
      if (!fresh || !verifyCallbackSignature(rawBody, signature, fresh)) return reject(401, 'bad_signature');
    }
    const parsed = manageCallbackPayloadSchema.safeParse(json);
    if (!parsed.success) {
      return reject(400, 'invalid_payload', {
        issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    const payload = parsed.data;
    if (callbackRecordKind(payload.Type) !== kind) return reject(400, 'type_mismatch');
    let stored: 'stored' | 'duplicate';
    try {
      stored = await this.settings.inbox.add(payload.MessageId, {
        integrationId,
        kind,
        manageId: payload.ID,
        action: payload.Action,
      });
    } catch (error) {
      return reject(429, 'unavailable', { err: error });
    }
    this.settings.metrics?.received.inc({ outcome: stored === 'stored' ? 'accepted' : 'duplicate' });
    this.settings.logger.debug(
      { integrationId, kind, manageId: payload.ID, action: payload.Action, stored },
      'Manage callback accepted',
    );
    this.settings.onStored?.();
    return { status: 200, body: { accepted: true } };
  }

  private async view(integrationId: string): Promise<IntegrationView | undefined> {
    const cached = this.views.get(integrationId);
    if (cached && Date.now() - cached.at < (this.settings.integrationTtlMs ?? 10_000)) return cached.view;
    const view = await this.settings.integrations.get(integrationId);
    if (this.views.size > 10_000) this.views.clear();
    this.views.set(integrationId, { view, at: Date.now() });
    return view;
  }

  forget(integrationId: string): void {
    this.views.delete(integrationId);
  }
}

/**
 * The callback route as a Fastify plugin: `POST /callbacks/manage/:integrationId/:kind/:token?recordId=…`.
 * Bodies are kept raw (the signature covers the exact bytes) in a scope of their own. Until the service is
 * ready (`receiver()` undefined) Manage gets 429, which it retries.
 */
export function callbackRoutes(receiver: () => CallbackReceiver | undefined) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_request, body, done) =>
        done(null, body),
      );
      scope.post<{ Params: { integrationId: string; kind: string; token: string } }>(
        `${CALLBACK_ROUTE_PREFIX}/:integrationId/:kind/:token`,
        async (request, reply) => {
          const current = receiver();
          if (!current) return reply.code(429).send({ accepted: false, reason: 'starting' });
          const header = request.headers['x-content-signature'];
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const receipt = await current.receive(
            request.params,
            Array.isArray(header) ? header[0] : header,
            raw,
          );
          return reply.code(receipt.status).send(receipt.body);
        },
      );
    });
  };
}
