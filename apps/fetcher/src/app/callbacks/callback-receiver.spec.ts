import Fastify from 'fastify';
import { callbackSignature, callbackToken } from '@cw-hudu-sync/fetching';
import type { IntegrationView } from '@cw-hudu-sync/integrations';
import { testLogger } from '@cw-hudu-sync/testing';
import { CallbackReceiver, callbackRoutes } from './callback-receiver';
import { SigningKeyError } from './signing-keys';

const SECRET = 'url-secret-for-tests';
const SITE = 'http://127.0.0.1:4000';
const KEY_URL = `${SITE}/v2025_1/system/callbackkey/index.rails?companyName=ExampleMSP&id=key-1`;

function setup(options: { key?: string; rotatedKey?: string; keyError?: Error; inboxDown?: boolean } = {}) {
  const stored: Array<{ messageId: string; entry: Record<string, unknown> }> = [];
  const rejections: string[] = [];
  let woken = 0;
  const view = { id: 'acme', manage: { siteUrl: SITE, clientId: 'c' } } as unknown as IntegrationView;
  const receiver = new CallbackReceiver({
    inbox: {
      add: async (messageId, entry) => {
        if (options.inboxDown) throw new Error('database away');
        if (stored.some((s) => s.messageId === messageId)) return 'duplicate';
        stored.push({ messageId, entry: { ...entry } });
        return 'stored';
      },
    },
    rejections: { add: async (_id, reason) => void rejections.push(reason) },
    integrations: { get: async (id) => (id === 'acme' ? view : undefined) },
    keys: {
      get: async () => {
        if (options.keyError) throw options.keyError;
        return options.key ?? 'signing-key';
      },
      refresh: async () => options.rotatedKey,
    },
    urlSecret: SECRET,
    logger: testLogger('receiver-test'),
    onStored: () => void woken++,
  });
  return { receiver, stored, rejections, woken: () => woken };
}

const payload = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    Action: 'updated',
    CallbackObjectRecId: 1,
    CompanyId: 'ExampleMSP',
    Entity: '{"id":7}',
    FromUrl: '127.0.0.1',
    ID: 7,
    MemberId: 'ApiMember',
    MessageId: 'm-1',
    Metadata: { key_url: KEY_URL },
    PartnerId: 'p',
    ProductInstanceId: 'i',
    Type: 'configuration',
    ...overrides,
  });

const params = (overrides: Partial<{ integrationId: string; kind: string; token: string }> = {}) => ({
  integrationId: 'acme',
  kind: 'configuration',
  token: callbackToken(SECRET, 'acme'),
  ...overrides,
});

describe('CallbackReceiver', () => {
  it('stores a correctly signed callback, answers 200 and wakes the worker', async () => {
    const { receiver, stored, woken } = setup();
    const body = payload();
    const receipt = await receiver.receive(
      params(),
      callbackSignature(body, 'signing-key'),
      Buffer.from(body),
    );
    expect(receipt).toEqual({ status: 200, body: { accepted: true } });
    expect(stored).toEqual([
      {
        messageId: 'm-1',
        entry: { integrationId: 'acme', kind: 'configuration', manageId: 7, action: 'updated' },
      },
    ]);
    expect(woken()).toBe(1);
    // Manage repeating the delivery: accepted again, stored once
    expect(
      (await receiver.receive(params(), callbackSignature(body, 'signing-key'), Buffer.from(body))).status,
    ).toBe(200);
    expect(stored).toHaveLength(1);
  });

  it('accepts after a key rotation (the cached key is refetched once)', async () => {
    const { receiver, stored } = setup({ key: 'old', rotatedKey: 'new' });
    const body = payload();
    expect((await receiver.receive(params(), callbackSignature(body, 'new'), Buffer.from(body))).status).toBe(
      200,
    );
    expect(stored).toHaveLength(1);
  });

  it.each([
    ['unsigned', undefined, params(), payload()],
    ['forged (another key)', 'other', params(), payload()],
    ['bad token', 'signing-key', params({ token: 'x'.repeat(32) }), payload()],
    [
      'untrusted key URL',
      'signing-key',
      params(),
      payload({ Metadata: { key_url: 'http://evil.example/key' } }),
    ],
    ['no key URL', 'signing-key', params(), payload({ Metadata: {} })],
  ])('rejects %s with 401 and stores nothing', async (_name, key, where, body) => {
    const { receiver, stored } = setup();
    const signature = key ? callbackSignature(body, key) : undefined;
    const receipt = await receiver.receive(where, signature, Buffer.from(body));
    expect(receipt.status).toBe(401);
    expect(receipt.body.accepted).toBe(false);
    expect(stored).toEqual([]);
  });

  it('verifies the raw bytes: a re-serialised body does not pass', async () => {
    const { receiver, stored } = setup();
    const body = payload();
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(
      (await receiver.receive(params(), callbackSignature(body, 'signing-key'), Buffer.from(pretty))).status,
    ).toBe(401);
    expect(stored).toEqual([]);
  });

  it('records rejections of callbacks with a valid token only', async () => {
    const { receiver, rejections } = setup();
    const body = payload();
    await receiver.receive(params(), callbackSignature(body, 'other'), Buffer.from(body));
    await receiver.receive(
      params({ token: 'y'.repeat(32) }),
      callbackSignature(body, 'other'),
      Buffer.from(body),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejections).toEqual(['bad_signature']);
  });

  it('answers 401 when Manage does not know the key, 429 when the key URL or the inbox is away', async () => {
    const body = payload();
    const signature = callbackSignature(body, 'signing-key');
    const unknown = setup({ keyError: new SigningKeyError('no such key', 404) });
    expect((await unknown.receiver.receive(params(), signature, Buffer.from(body))).status).toBe(401);
    const away = setup({ keyError: new Error('ECONNREFUSED') });
    expect((await away.receiver.receive(params(), signature, Buffer.from(body))).status).toBe(429);
    const inboxDown = setup({ inboxDown: true });
    expect((await inboxDown.receiver.receive(params(), signature, Buffer.from(body))).status).toBe(429);
  });

  it('answers 400 for invalid payloads and types, 404 for unknown integrations', async () => {
    const { receiver, stored } = setup();
    const sign = (body: string) => callbackSignature(body, 'signing-key');
    const bad = payload({ Action: 'merged' });
    expect((await receiver.receive(params(), sign(bad), Buffer.from(bad))).status).toBe(400);
    const ticket = payload({ Type: 'ticket' });
    expect((await receiver.receive(params(), sign(ticket), Buffer.from(ticket))).status).toBe(400);
    expect(
      (await receiver.receive(params({ kind: 'ticket' }), sign(ticket), Buffer.from(ticket))).status,
    ).toBe(400);
    expect((await receiver.receive(params(), sign('{nope'), Buffer.from('{nope'))).status).toBe(400);
    const other = params({ integrationId: 'ghost', token: callbackToken(SECRET, 'ghost') });
    const body = payload();
    expect((await receiver.receive(other, sign(body), Buffer.from(body))).status).toBe(404);
    expect(stored).toEqual([]);
  });
});

describe('callbackRoutes', () => {
  it('passes the raw body and the signature header to the receiver; 429 until it is ready', async () => {
    const { receiver, stored } = setup();
    let ready = false;
    const app = Fastify();
    await app.register(callbackRoutes(() => (ready ? receiver : undefined)));
    const body = payload();
    const url = `/callbacks/manage/acme/configuration/${callbackToken(SECRET, 'acme')}?recordId=7`;
    const request = {
      method: 'POST' as const,
      url,
      headers: {
        'content-type': 'application/json',
        'x-content-signature': callbackSignature(body, 'signing-key'),
      },
      payload: body,
    };
    expect((await app.inject(request)).statusCode).toBe(429);
    ready = true;
    const response = await app.inject(request);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: true });
    expect(stored).toHaveLength(1);
    await app.close();
  });
});
