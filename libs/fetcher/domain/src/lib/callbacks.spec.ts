import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  callbackDescription,
  callbackRecordKind,
  callbackSignature,
  callbackToken,
  callbackUrl,
  coalesceCallbacks,
  decideCallbackRecord,
  desiredCallbacks,
  type InboxEntry,
  isTrustedKeyUrl,
  keyUrlOf,
  manageCallbackPayloadSchema,
  planCallbackRegistration,
  type RegisteredCallback,
  verifyCallbackSignature,
  verifyCallbackToken,
} from './callbacks';
import { companyStatusIndex, configurationLookups } from './snapshots';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../test/fixtures', name), 'utf8');

describe('callback signature', () => {
  const key = 'c2lnbmluZy1rZXk=';
  const body = '{"Action":"updated","ID":7}';

  it('is base64(HMAC-SHA256(SHA-256(key), raw body)), as the Developer Guide describes', () => {
    const expected = createHmac('sha256', createHash('sha256').update(key).digest())
      .update(body)
      .digest('base64');
    expect(callbackSignature(body, key)).toBe(expected);
    expect(callbackSignature(Buffer.from(body), key)).toBe(expected);
  });

  it('verifies the raw bytes: a re-serialised body (different spacing) does not verify', () => {
    const signature = callbackSignature(body, key);
    expect(verifyCallbackSignature(body, signature, key)).toBe(true);
    expect(verifyCallbackSignature(JSON.stringify(JSON.parse(body), null, 1), signature, key)).toBe(false);
  });

  it('rejects a missing, empty, garbage, truncated or other-key signature', () => {
    const signature = callbackSignature(body, key);
    expect(verifyCallbackSignature(body, undefined, key)).toBe(false);
    expect(verifyCallbackSignature(body, '', key)).toBe(false);
    expect(verifyCallbackSignature(body, 'not base64 at all!', key)).toBe(false);
    expect(verifyCallbackSignature(body, signature.slice(0, 20), key)).toBe(false);
    expect(verifyCallbackSignature(body, callbackSignature(body, 'other'), key)).toBe(false);
    expect(verifyCallbackSignature(`${body} `, signature, key)).toBe(false);
  });

  it('verifies the fixture payload signed the way the Manage simulator signs it', () => {
    const raw = fixture('callback-contact-updated.json').trim();
    expect(verifyCallbackSignature(raw, callbackSignature(raw, 'k'), 'k')).toBe(true);
  });
});

describe('callback payload', () => {
  it('parses a real-shaped payload (fixture) and lower-cases the action', () => {
    const body = JSON.parse(fixture('callback-contact-updated.json')) as Record<string, unknown>;
    const parsed = manageCallbackPayloadSchema.parse({ ...body, Action: 'Updated' });
    expect(parsed.Action).toBe('updated');
    expect(parsed.ID).toBe(57961);
    expect(callbackRecordKind(parsed.Type)).toBe('contact');
    expect(keyUrlOf(body)).toBe(parsed.Metadata.key_url);
  });

  it('accepts a delete (Entity null) and rejects unknown actions, missing ids and missing key URLs', () => {
    const base = {
      MessageId: 'm-1',
      Action: 'deleted',
      Type: 'configuration',
      ID: 5,
      Entity: null,
      Metadata: { key_url: 'https://na.myconnectwise.net/v2025_1/system/callbackkey/index.rails?id=x' },
    };
    expect(manageCallbackPayloadSchema.safeParse(base).success).toBe(true);
    expect(manageCallbackPayloadSchema.safeParse({ ...base, Action: 'merged' }).success).toBe(false);
    expect(manageCallbackPayloadSchema.safeParse({ ...base, ID: undefined }).success).toBe(false);
    expect(manageCallbackPayloadSchema.safeParse({ ...base, ID: 0 }).success).toBe(false);
    expect(manageCallbackPayloadSchema.safeParse({ ...base, Metadata: {} }).success).toBe(false);
    expect(keyUrlOf({ Metadata: {} })).toBeUndefined();
    expect(keyUrlOf(null)).toBeUndefined();
    expect(keyUrlOf('text')).toBeUndefined();
  });

  it('knows the three record kinds and nothing else', () => {
    expect(callbackRecordKind('Company')).toBe('company');
    expect(callbackRecordKind('configuration')).toBe('configuration');
    expect(callbackRecordKind('ticket')).toBeUndefined();
  });
});

describe('key URL trust', () => {
  it('trusts the integration’s own Manage origin (the simulator, on-prem)', () => {
    expect(
      isTrustedKeyUrl(
        'http://127.0.0.1:4000/v2025_1/system/callbackkey/index.rails?id=1',
        'http://127.0.0.1:4000',
      ),
    ).toBe(true);
    expect(
      isTrustedKeyUrl('https://cw.example.com/v4_6_release/system/callbackkey', 'https://cw.example.com'),
    ).toBe(true);
  });

  it('trusts sibling hosts of the ConnectWise cloud over https only', () => {
    expect(
      isTrustedKeyUrl(
        'https://na.myconnectwise.net/v2025_1/system/callbackkey',
        'https://api-na.myconnectwise.net',
      ),
    ).toBe(true);
    expect(
      isTrustedKeyUrl(
        'http://na.myconnectwise.net/v2025_1/system/callbackkey',
        'https://api-na.myconnectwise.net',
      ),
    ).toBe(false);
  });

  it('refuses other hosts, other ports, credentials in the URL and garbage (SSRF, self-signed forgeries)', () => {
    expect(isTrustedKeyUrl('https://evil.example/key', 'https://api-na.myconnectwise.net')).toBe(false);
    expect(
      isTrustedKeyUrl('https://myconnectwise.net.evil.example/key', 'https://api-na.myconnectwise.net'),
    ).toBe(false);
    expect(isTrustedKeyUrl('http://127.0.0.1:4001/key', 'http://127.0.0.1:4000')).toBe(false);
    expect(isTrustedKeyUrl('http://169.254.169.254/latest', 'http://127.0.0.1:4000')).toBe(false);
    expect(isTrustedKeyUrl('https://u:p@cw.example.com/key', 'https://cw.example.com')).toBe(false);
    expect(isTrustedKeyUrl('not a url', 'https://cw.example.com')).toBe(false);
    expect(isTrustedKeyUrl('https://na.myconnectwise.net/key', 'https://cw.example.com')).toBe(false);
  });
});

describe('callback URL and token', () => {
  it('derives a stable 32-character token per integration and secret', () => {
    const token = callbackToken('secret', 'acme');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(callbackToken('secret', 'acme')).toBe(token);
    expect(callbackToken('secret', 'other')).not.toBe(token);
    expect(callbackToken('secret2', 'acme')).not.toBe(token);
    expect(verifyCallbackToken('secret', 'acme', token)).toBe(true);
    expect(verifyCallbackToken('secret', 'other', token)).toBe(false);
    expect(verifyCallbackToken('secret', 'acme', undefined)).toBe(false);
    expect(verifyCallbackToken('secret', 'acme', token.slice(1))).toBe(false);
  });

  it('ends in ?recordId= so that Manage’s append cannot corrupt the path', () => {
    expect(callbackUrl('https://sync.example.com/', 'acme msp', 'company', 'tok')).toBe(
      'https://sync.example.com/callbacks/manage/acme%20msp/company/tok?recordId=',
    );
  });
});

describe('registration plan', () => {
  const base = 'https://sync.example.com';
  const desired = desiredCallbacks(base, 'acme', 'tok');
  const registered = (overrides: Partial<RegisteredCallback>, i: number): RegisteredCallback => ({
    id: 100 + i,
    url: desired[i % 3]!.url,
    type: desired[i % 3]!.type,
    level: 'owner',
    objectId: 1,
    description: callbackDescription('acme'),
    ...overrides,
  });

  it('adds all three on a fresh Manage', () => {
    const plan = planCallbackRegistration('acme', [], desired);
    expect(plan.add.map((d) => d.type)).toEqual(['company', 'configuration', 'contact']);
    expect(plan.keep).toEqual([]);
    expect(plan.remove).toEqual([]);
  });

  it('is idempotent: nothing to do when the three are registered', () => {
    const existing = [0, 1, 2].map((i) => registered({}, i));
    const plan = planCallbackRegistration('acme', existing, desired);
    expect(plan).toEqual({ keep: existing, remove: [], add: [] });
  });

  it('replaces stale URLs (base URL or token changed), duplicates and entries Manage disabled', () => {
    const existing = [
      registered({ url: 'https://old.example.com/callbacks/manage/acme/company/old?recordId=' }, 0),
      registered({}, 1),
      registered({ id: 200 }, 1),
      registered({ inactiveFlag: true }, 2),
    ];
    const plan = planCallbackRegistration('acme', existing, desired);
    expect(plan.keep.map((e) => e.id)).toEqual([101]);
    expect(plan.remove.map((e) => e.id).sort()).toEqual([100, 102, 200]);
    expect(plan.add.map((d) => d.type)).toEqual(['company', 'contact']);
  });

  it('never touches other integrations’ or other products’ callbacks; removes all of ours when off', () => {
    const other = {
      id: 1,
      url: 'https://crm.example.com/hook?id=',
      type: 'company',
      level: 'owner',
      objectId: 1,
    };
    const neighbour = {
      ...registered({}, 0),
      id: 2,
      url: callbackUrl(base, 'acme2', 'company', 'x'),
      description: callbackDescription('acme2'),
    };
    const mine = registered({ description: 'renamed by hand' }, 0);
    const plan = planCallbackRegistration('acme', [other, neighbour, mine], []);
    expect(plan.remove).toEqual([mine]);
    expect(plan.add).toEqual([]);
  });
});

describe('coalescing', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const entry = (id: string, overrides: Partial<InboxEntry>): InboxEntry => ({
    id,
    integrationId: 'acme',
    kind: 'configuration',
    manageId: 1,
    action: 'updated',
    receivedAt: at(0),
    ...overrides,
  });

  it('turns a burst for one record into one read that settles every entry, with the last action', () => {
    const groups = coalesceCallbacks([
      entry('a', { receivedAt: at(1) }),
      entry('b', { receivedAt: at(3), action: 'deleted' }),
      entry('c', { receivedAt: at(2) }),
    ]);
    const list = groups.get('acme')!;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ manageId: 1, action: 'deleted', entryIds: ['a', 'b', 'c'] });
    expect(list[0]!.firstReceivedAt).toEqual(at(1));
    expect(list[0]!.lastReceivedAt).toEqual(at(3));
  });

  it('keeps records, kinds and integrations apart; companies first, then by arrival', () => {
    const groups = coalesceCallbacks([
      entry('1', { manageId: 2, receivedAt: at(1) }),
      entry('2', { kind: 'contact', manageId: 2, receivedAt: at(0) }),
      entry('3', { kind: 'company', manageId: 9, receivedAt: at(5) }),
      entry('4', { manageId: 1, receivedAt: at(2) }),
      entry('5', { integrationId: 'other', manageId: 2, receivedAt: at(0) }),
    ]);
    expect([...groups.keys()].sort()).toEqual(['acme', 'other']);
    expect(groups.get('acme')!.map((r) => `${r.kind}:${r.manageId}`)).toEqual([
      'company:9',
      'configuration:2',
      'configuration:1',
      'contact:2',
    ]);
    expect(groups.get('other')!.map((r) => r.entryIds)).toEqual([['5']]);
  });

  it('is empty for an empty batch', () => {
    expect(coalesceCallbacks([]).size).toBe(0);
  });
});

describe('a re-read record', () => {
  const context = { integrationId: 'acme' };
  const read = {
    statuses: companyStatusIndex([
      { id: 1, name: 'Active' },
      { id: 2, name: 'Inactive', inactiveFlag: true },
    ]),
    lookups: configurationLookups([{ id: 10, name: 'Server' }], [{ id: 3, description: 'Active' }]),
    skippedTypeIds: new Set<number>([11]),
  };
  const company = { id: 5, identifier: 'Acme', name: 'Acme Ltd', status: { id: 1, name: 'Active' } };
  const configuration = {
    id: 7,
    name: 'srv-01',
    type: { id: 10, name: 'Server' },
    status: { id: 3, name: 'Active' },
    company: { id: 5, identifier: 'Acme', name: 'Acme Ltd' },
    serialNumber: 'SN1',
    activeFlag: true,
  };
  const contact = {
    id: 8,
    firstName: 'Ann',
    lastName: 'Lee',
    company: { id: 5, identifier: 'Acme', name: 'Acme Ltd' },
    communicationItems: [
      { communicationType: 'Email' as const, value: 'ann@example.com', defaultFlag: true },
    ],
  };

  it('emits the same …Fetched a sync emits, keyed by integration, and records the hash', () => {
    const decision = decideCallbackRecord('configuration', 7, configuration, undefined, read, context);
    expect(decision.outcome).toBe('fetched');
    expect(decision.events).toHaveLength(1);
    const [event] = decision.events;
    expect(event).toMatchObject({
      type: 'ConfigurationFetched',
      integrationId: 'acme',
      payload: { manageId: 7, companyManageId: 5 },
    });
    expect(decision.snapshot).toMatchObject({ action: 'record', companyManageId: 5 });
  });

  it('emits nothing for unchanged content (the same hash as last emitted), even if lastUpdated moved', () => {
    const first = decideCallbackRecord('contact', 8, contact, undefined, read, context);
    expect(first.outcome).toBe('fetched');
    const hash = first.snapshot.action === 'record' ? first.snapshot.hash : '';
    const touched = { ...contact, _info: { lastUpdated: '2030-01-01T00:00:00Z' } };
    const again = decideCallbackRecord('contact', 8, touched, { hash, companyManageId: 5 }, read, context);
    expect(again).toEqual({ outcome: 'unchanged', events: [], snapshot: { action: 'keep' } });
  });

  it('turns a soft-deleted company into CompanyRemoved (deleted), once', () => {
    const deleted = { ...company, deletedFlag: true };
    const first = decideCallbackRecord('company', 5, deleted, { hash: 'a'.repeat(64) }, read, context);
    expect(first.outcome).toBe('removed');
    expect(first.events[0]).toMatchObject({
      type: 'CompanyRemoved',
      payload: { manageId: 5, reason: 'deleted' },
    });
    const hash = first.snapshot.action === 'record' ? first.snapshot.hash : '';
    expect(decideCallbackRecord('company', 5, deleted, { hash }, read, context).events).toEqual([]);
  });

  it('turns a record Manage no longer has into …Removed with the company it belonged to, and forgets it', () => {
    const decision = decideCallbackRecord(
      'configuration',
      7,
      undefined,
      { hash: 'b'.repeat(64), companyManageId: 5 },
      read,
      context,
    );
    expect(decision.events[0]).toMatchObject({
      type: 'ConfigurationRemoved',
      payload: { manageId: 7, companyManageId: 5, reason: 'deleted' },
    });
    expect(decision.snapshot).toEqual({ action: 'forget' });
  });

  it('emits nothing for a gone record that was never emitted', () => {
    expect(decideCallbackRecord('contact', 8, undefined, undefined, read, context).events).toEqual([]);
  });

  it('honours skipped configuration types and reports records that are not valid snapshots', () => {
    const skipped = decideCallbackRecord(
      'configuration',
      7,
      { ...configuration, type: { id: 11, name: 'Printer' } },
      undefined,
      read,
      context,
    );
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.events).toEqual([]);
    const orphan = decideCallbackRecord(
      'contact',
      8,
      { ...contact, company: undefined },
      undefined,
      read,
      context,
    );
    expect(orphan.outcome).toBe('failed');
    expect(orphan.reason).toContain('no company');
  });

  it('emits CompanyFetched for a live company', () => {
    const decision = decideCallbackRecord('company', 5, company, undefined, read, context);
    expect(decision.events[0]).toMatchObject({ type: 'CompanyFetched', payload: { manageId: 5 } });
  });
});
