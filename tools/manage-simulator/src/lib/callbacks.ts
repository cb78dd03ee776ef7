import { createHash, createHmac, randomUUID } from 'node:crypto';

/** A registered callback, as `/system/callbacks` returns it (schema CallbackEntry). */
export interface CallbackEntry {
  id: number;
  description?: string;
  url: string;
  objectId: number;
  type: string;
  level: string;
  memberId: number;
  payloadVersion: string;
  inactiveFlag: boolean;
  isSoapCallbackFlag: boolean;
  isSelfSuppressedFlag: boolean;
  connectWiseID: string;
  _info: Record<string, string>;
}

/** The JSON body Manage POSTs to a callback URL (keys in the order Manage sends them). */
export interface CallbackPayload {
  Action: 'added' | 'updated' | 'deleted';
  CallbackObjectRecId: number;
  CompanyId: string;
  Entity: string | null;
  FromUrl: string;
  ID: number;
  MemberId: string;
  MessageId: string;
  Metadata: { key_url: string };
  PartnerId: string;
  ProductInstanceId: string;
  Type: string;
}

export interface CallbackDelivery {
  callbackId: number;
  url: string;
  action: CallbackPayload['Action'];
  type: string;
  recordId: number;
  attempts: number;
  status: number | 'timeout' | 'error';
  body: string;
  signature: string;
  /** When the change fired the callback and when its delivery ended (epoch ms): latency benchmarks. */
  firedAt: number;
  finishedAt: number;
}

/** Levels accepted per callback type (PSA Callbacks page), lower case. */
export const callbackLevels: Record<string, string[]> = {
  company: ['owner', 'status', 'type', 'territory', 'company', 'integratortag'],
  contact: ['owner', 'type', 'territory', 'company', 'contact'],
  configuration: ['owner', 'type', 'status', 'configuration'],
};

/** `x-content-signature`: base64(HMAC-SHA256(key = SHA-256(signing key), raw body)). */
export function signCallbackBody(body: string, signingKey: string): string {
  const key = createHash('sha256').update(signingKey).digest();
  return createHmac('sha256', key).update(body).digest('base64');
}

export interface DeliverySettings {
  /** Waits before the 2nd and 3rd attempt (Manage: 2 s then 4 s). */
  retryDelaysMs: number[];
  /** Per-attempt timeout (Manage: 5 s). */
  timeoutMs: number;
}

/** Statuses Manage retries a delivery on; anything else (2xx or not) ends it. */
const RETRY_ON = new Set([404, 409, 419, 429]);

export async function deliverCallback(
  url: string,
  body: string,
  signature: string,
  settings: DeliverySettings,
): Promise<{ status: number | 'timeout' | 'error'; attempts: number }> {
  let attempts = 0;
  let status: number | 'timeout' | 'error' = 'error';
  for (;;) {
    attempts++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-content-signature': signature },
        body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      status = response.status;
    } catch (error) {
      status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    }
    const delay = settings.retryDelaysMs[attempts - 1];
    if (typeof status !== 'number' || !RETRY_ON.has(status) || delay === undefined) {
      return { status, attempts };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export function newGuid(): string {
  return randomUUID();
}
