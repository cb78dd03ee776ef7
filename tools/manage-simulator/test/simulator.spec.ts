import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildManageSimulator, defaultMembers, type ManageSimulator } from '../src/lib/simulator';

// copies of the shared real-payload fixtures (test/fixtures/README.md says where they come from)
const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));

const member = defaultMembers[0]!;
const auth = (publicKey = member.publicKey, privateKey = member.privateKey, company = 'ExampleMSP') =>
  `Basic ${Buffer.from(`${company}+${publicKey}:${privateKey}`).toString('base64')}`;
const headers = { authorization: auth(), clientId: '3b9e3fb7-9c5a-4c2b-8d8e-1f1f1f1f1f1f' };

/** The type of every value, recursively: two payloads with the same shape give the same result. */
function shapeOf(value: unknown, key = ''): unknown {
  if (value === null) return 'null';
  if (key === '_info') return 'string map'; // `_info` is a free map of strings (lastUpdated, *_href, …)
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k], k)]),
    );
  }
  return typeof value;
}

describe('manage simulator', () => {
  let sim: ManageSimulator;
  let api: string;
  const get = async (url: string, extra: Record<string, string> = {}) => {
    const response = await fetch(url.startsWith('http') ? url : `${api}${url}`, {
      headers: { ...headers, ...extra },
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };

  beforeAll(async () => {
    sim = buildManageSimulator({
      dataset: { size: 'small', seed: 3 },
      members: [
        member,
        {
          identifier: 'Limited',
          memberRecId: 300,
          publicKey: 'limitedPub',
          privateKey: 'limitedPriv',
          grants: ['Companies / Company Maintenance'],
        },
      ],
      forwardOnlyUnsupported: ['company/contacts'],
      callbackDelivery: { retryDelaysMs: [10, 20] },
    });
    await sim.listen();
    api = sim.apiUrl;
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.setFaults({}));

  describe('discovery and auth', () => {
    it('serves codebase discovery without auth, and null for an unknown company', async () => {
      const info = await fetch(`${sim.url}/login/companyinfo/examplemsp`);
      expect(await info.json()).toEqual(
        expect.objectContaining({
          Codebase: 'v2025_1/',
          CompanyID: 'ExampleMSP',
          IsCloud: true,
          VersionCode: 'v2025.1',
        }),
      );
      const unknown = await fetch(`${sim.url}/login/companyinfo/nobody`);
      expect(unknown.status).toBe(200);
      expect(await unknown.text()).toBe('null');
    });

    it('answers under the codebase, the on-prem v4_6_release codebase and the double-slash form', async () => {
      expect((await get('/system/info')).status).toBe(200);
      expect((await get(`${sim.url}/v4_6_release/apis/3.0/system/info`)).status).toBe(200);
      expect((await get(`${sim.url}/v2025_1//apis/3.0/system/info`)).status).toBe(200);
      expect(await get(`${sim.url}/v2019_1/apis/3.0/system/info`)).toEqual(
        expect.objectContaining({
          status: 404,
          body: { code: 'ConnectWiseApi', message: 'The endpoint does not exist.' },
        }),
      );
    });

    it.each([
      ['a wrong private key', { authorization: auth(member.publicKey, 'nope') }],
      ['a wrong company', { authorization: auth(member.publicKey, member.privateKey, 'Other') }],
      ['no authorization', { authorization: '' }],
    ])('rejects %s with 401', async (_what, extra) => {
      const response = await get('/company/companies', extra);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ code: 'Unauthorized', message: 'UserNotAuthenticated' });
    });

    it('requires a clientId header (any case)', async () => {
      const response = await fetch(`${api}/system/info`, { headers: { authorization: auth() } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toContain('clientId');
      expect((await get('/system/info', { ClientID: 'x' })).status).toBe(200);
    });

    it('answers 403 naming the security-role setting outside the member’s grants', async () => {
      const limited = { authorization: auth('limitedPub', 'limitedPriv') };
      expect((await get('/company/companies/count', limited)).status).toBe(200);
      const denied = await get('/company/configurations/count', limited);
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        code: 'Unauthorized',
        message: expect.stringContaining('Companies > Configurations'),
      });
      expect((await get('/system/members/count', limited)).status).toBe(403);
      expect((await get('/company/configurations/types', limited)).status).toBe(403);
      expect((await get('/system/info', limited)).status).toBe(200);
    });
  });

  describe('lists', () => {
    it('pages navigably with default size 25 and first/prev/next/last links carrying the query', async () => {
      const first = await get('/company/configurations?conditions=id%3E0');
      expect((first.body as unknown[]).length).toBe(25);
      const link = first.headers.get('link')!;
      expect(link).toContain('rel="first"');
      expect(link).toContain('rel="next"');
      expect(link).toContain('rel="last"');
      expect(link).not.toContain('rel="prev"');
      expect(link).toMatch(/conditions=id%3E0/);
      const last = Number(/[?&]page=(\d+)[^>]*>; rel="last"/.exec(link)![1]);
      expect(last).toBe(Math.ceil(200 / 25));
      const end = await get(`/company/configurations?page=${last}`);
      expect(end.headers.get('link')).not.toContain('rel="next"');
      expect(end.headers.get('link')).toContain('rel="prev"');
      expect((await get(`/company/configurations?page=${last + 1}`)).body).toEqual([]);
      const zero = await get('/company/configurations?page=0');
      expect(zero.body).toEqual(first.body);
    });

    it('rejects pageSize out of range as Manage did (400 OutOfRange on pageSize)', async () => {
      for (const size of [0, 1001]) {
        const response = await get(`/company/companies?pageSize=${size}`);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          code: 'InvalidObject',
          message: expect.any(String),
          errors: [expect.objectContaining({ code: 'OutOfRange', field: 'pageSize' })],
        });
      }
      expect(((await get('/company/configurations?pageSize=1000')).body as unknown[]).length).toBe(200);
    });

    it('pages forward-only by pageId in id order, rejects orderBy, and ends with an empty page', async () => {
      const fo = { 'pagination-type': 'forward-only' };
      const seen: number[] = [];
      let url = '/company/configurations?pageSize=60';
      for (let i = 0; i < 10; i++) {
        const page = await get(url, fo);
        const items = page.body as Array<{ id: number }>;
        if (items.length === 0) {
          expect(page.headers.get('link')).toBeNull();
          break;
        }
        seen.push(...items.map((c) => c.id));
        const next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')![1]!;
        expect(next).toContain(`pageId=${items[items.length - 1]!.id}`);
        url = next;
      }
      expect(seen).toHaveLength(200);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      const ordered = await get('/company/configurations?orderBy=name%20asc', fo);
      expect(ordered.status).toBe(400);
    });

    it('ignores forward-only where the resource does not support it', async () => {
      const page = await get('/company/contacts?pageSize=10&pageId=999999', {
        'pagination-type': 'forward-only',
      });
      expect((page.body as unknown[]).length).toBe(10);
      expect(page.headers.get('link')).toContain('rel="last"');
    });

    it('filters with conditions, counts, orders and selects fields', async () => {
      const active = await get(
        '/company/companies/count?conditions=status/name%3D%22Active%22%20and%20deletedFlag%3Dfalse',
      );
      const all = await get('/company/companies/count');
      expect((all.body as { count: number }).count).toBe(20);
      expect((active.body as { count: number }).count).toBeGreaterThan(0);
      expect((active.body as { count: number }).count).toBeLessThan(20);
      const named = await get(
        `/company/companies?conditions=${encodeURIComponent('name like "Smith%" or name contains "テスト"')}`,
      );
      expect((named.body as Array<{ name: string }>).map((c) => c.name).sort()).toEqual([
        'Smith & Jones',
        '株式会社テスト',
      ]);
      const desc = await get(
        '/company/companies?orderBy=id%20desc&pageSize=3&fields=id,name,status/id,_info/lastUpdated',
      );
      const rows = desc.body as Array<Record<string, unknown>>;
      expect(rows.map((r) => r['id'])).toEqual([...rows.map((r) => r['id'] as number)].sort((a, b) => b - a));
      expect(Object.keys(rows[0]!).sort()).toEqual(['_info', 'id', 'name', 'status']);
      expect(rows[0]!['status']).toEqual({ id: expect.any(Number) });
      expect(rows[0]!['_info']).toEqual({ lastUpdated: expect.stringMatching(/Z$/) });
      const byName = await get('/company/companies?orderBy=name%20asc&pageSize=1000');
      const names = (byName.body as Array<{ name: string }>).map((c) => c.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    });

    it('answers conditions errors with Manage’s 400 body', async () => {
      const unknown = await get(`/company/companies?conditions=${encodeURIComponent('nosuch = 1')}`);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        code: 'InvalidObject',
        message: 'company object is invalid',
        errors: [
          {
            code: 'InvalidField',
            message: 'nosuch is not a valid field name.',
            resource: 'company',
            field: 'conditions',
          },
        ],
      });
      const typed = await get(`/company/companies?conditions=${encodeURIComponent('deletedFlag = 1')}`);
      expect(JSON.stringify(typed.body)).toContain('Expected a boolean value, not a numeric.');
      expect((await get('/company/companies?orderBy=nosuch%20asc')).status).toBe(400);
    });

    it('supports childConditions on communicationItems', async () => {
      const contacts = (await get('/company/contacts?pageSize=1000')).body as Array<{
        id: number;
        communicationItems?: Array<{ value: string; communicationType: string }>;
      }>;
      const withEmail = contacts.find((c) =>
        c.communicationItems?.some((i) => i.communicationType === 'Email'),
      )!;
      const email = withEmail.communicationItems!.find((i) => i.communicationType === 'Email')!.value;
      const found = await get(
        `/company/contacts?childConditions=${encodeURIComponent(`communicationItems/value like "${email}" AND communicationItems/communicationType="Email"`)}`,
      );
      const foundIds = (found.body as Array<{ id: number }>).map((c) => c.id);
      expect(foundIds).toContain(withEmail.id);
      expect(foundIds).toEqual(
        contacts
          .filter((c) => c.communicationItems?.some((i) => i.value.toLowerCase() === email.toLowerCase()))
          .map((c) => c.id),
      );
    });

    it('serves single records, 404 in Manage’s words, and the setup tables', async () => {
      const company = sim.state.collections.companies.all()[0]!;
      expect((await get(`/company/companies/${company.id}`)).body).toEqual(company);
      expect(await get('/company/contacts/1')).toEqual(
        expect.objectContaining({ status: 404, body: { code: 'NotFound', message: 'Contact 1 not found' } }),
      );
      const statuses = (await get('/company/configurations/statuses')).body as Array<Record<string, unknown>>;
      expect(statuses[0]).toEqual(expect.objectContaining({ description: 'Active', closedFlag: false }));
      expect(
        ((await get('/company/companies/statuses?conditions=inactiveFlag%3Dtrue')).body as unknown[]).length,
      ).toBeGreaterThan(0);
      expect(
        ((await get('/company/configurations/types/count')).body as { count: number }).count,
      ).toBeGreaterThan(5);
    });
  });

  describe('faults and counters', () => {
    it('rate-limits with 429 and Retry-After, and counts requests by method/route/status', async () => {
      await fetch(`${sim.url}/_sim/counters`, { method: 'DELETE' });
      await fetch(`${sim.url}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rateLimitNext: 1, retryAfterSeconds: 7 }),
      });
      const limited = await get('/system/info');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toEqual({
        error: 'ConnectWiseAPI',
        message: 'Too many requests. Please try again in 7 seconds.',
      });
      expect((await get('/system/info')).status).toBe(200);
      const counters = (await (await fetch(`${sim.url}/_sim/counters`)).json()) as Record<string, number>;
      expect(counters['GET /:codebase/apis/3.0/system/info 429']).toBe(1);
      expect(counters['GET /:codebase/apis/3.0/system/info 200']).toBe(1);
    });

    it('injects 5xx with Manage’s timeout body and a rolling rate limit', async () => {
      sim.setFaults({ failNext: 2, failStatus: 503 });
      expect(await get('/system/info')).toEqual(
        expect.objectContaining({
          status: 503,
          body: { code: 'ConnectWiseApi', message: 'A timeout has occured. Please try again.' },
        }),
      );
      expect((await get('/system/info')).status).toBe(503);
      expect((await get('/system/info')).status).toBe(200);
      sim.setFaults({ rateLimit: { limit: 2, windowMs: 60_000 } });
      expect([
        (await get('/system/info')).status,
        (await get('/system/info')).status,
        (await get('/system/info')).status,
      ]).toEqual([200, 200, 429]);
    });
  });

  describe('mutations and callbacks', () => {
    let receiver: http.Server;
    let receiverUrl: string;
    const received: Array<{ url: string; body: string; signature: string }> = [];
    beforeAll(async () => {
      receiver = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          received.push({
            url: request.url ?? '',
            body,
            signature: String(request.headers['x-content-signature']),
          });
          response.statusCode = received.length === 1 ? 429 : 204; // first delivery is retried
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?recordId=`;
    });
    afterAll(() => new Promise((resolve) => receiver.close(resolve)));

    it('validates callback registrations like Manage', async () => {
      const response = await fetch(`${api}/system/callbacks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'not a url', objectId: 1, type: 'contact', level: 'nonsense' }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        code: string;
        errors: Array<{ field: string; message: string }>;
      };
      expect(body.code).toBe('InvalidObject');
      expect(body.errors.map((e) => [e.field, e.message])).toEqual([
        ['url', 'Invalid URL'],
        ['level', 'Unrecognized level for type contact'],
      ]);
    });

    it('registers, lists and delivers signed callbacks whose shape matches the fixtures', async () => {
      const created = await fetch(`${api}/system/callbacks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: receiverUrl,
          objectId: 1,
          type: 'contact',
          level: 'owner',
          description: 'sync',
        }),
      });
      expect(created.status).toBe(201);
      const entry = (await created.json()) as Record<string, unknown>;
      const { description: _d, ...comparable } = entry;
      expect(shapeOf(comparable)).toEqual(shapeOf(fixture('callback-registration-response.json')));
      expect(((await get('/system/callbacks')).body as unknown[]).length).toBe(1);

      const contact = sim.state.collections.contacts.all()[0]!;
      const before = contact._info!['lastUpdated']!;
      const updated = await fetch(`${sim.url}/_sim/contacts/${contact.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Chief Coffee Officer' }),
      });
      const record = (await updated.json()) as { _info: { lastUpdated: string }; title: string };
      expect(record.title).toBe('Chief Coffee Officer');
      expect(record._info.lastUpdated > before).toBe(true);
      await fetch(`${sim.url}/_sim/contacts/${contact.id}`, { method: 'DELETE' });
      await sim.settleCallbacks();

      expect(received).toHaveLength(3); // updated (429, then retried) + deleted
      expect(sim.deliveries.map((d) => [d.action, d.attempts, d.status]).sort()).toEqual([
        ['deleted', 1, 204],
        ['updated', 2, 204],
      ]);
      const update = received.find((r) => r.body.includes('"Action":"updated"'));
      const deletion = received.find((r) => r.body.includes('"Action":"deleted"'));
      expect(update!.url).toBe(`/hook?recordId=${contact.id}`);
      const payload = JSON.parse(update!.body) as Record<string, unknown>;
      expect(Object.keys(payload)).toEqual(Object.keys(fixture('callback-contact-updated.json') as object));
      expect(shapeOf({ ...payload, Entity: 'string' })).toEqual(
        shapeOf(fixture('callback-contact-updated.json')),
      );
      expect(JSON.parse(payload['Entity'] as string)).toEqual(
        expect.objectContaining({ id: contact.id, title: 'Chief Coffee Officer' }),
      );
      expect(shapeOf(JSON.parse(deletion!.body))).toEqual(shapeOf(fixture('callback-contact-deleted.json')));
      expect(JSON.parse(deletion!.body)['Entity']).toBeNull();

      // the signature verifies with the key served at key_url (raw body, SHA-256 of the key as HMAC key)
      const keyUrl = (payload['Metadata'] as { key_url: string }).key_url;
      expect(keyUrl).toMatch(/\/v2025_1\/\/system\/callbackkey\/index\.rails\?companyName=ExampleMSP&id=/);
      const { signing_key } = (await (await fetch(keyUrl)).json()) as { signing_key: string };
      const expected = createHmac('sha256', createHash('sha256').update(signing_key).digest())
        .update(update!.body)
        .digest('base64');
      expect(update!.signature).toBe(expected);
      const tampered = createHmac('sha256', createHash('sha256').update(signing_key).digest())
        .update(update!.body.replace('Coffee', 'Tea'))
        .digest('base64');
      expect(update!.signature).not.toBe(tampered);
      expect((await get(`/company/contacts/${contact.id}`)).status).toBe(404);
    });

    it('soft-deletes companies and adds records with the next id', async () => {
      const company = sim.state.collections.companies.all()[1]!;
      const response = await fetch(`${sim.url}/_sim/companies/${company.id}`, { method: 'DELETE' });
      expect(await response.json()).toEqual(
        expect.objectContaining({ id: company.id, deletedFlag: true, dateDeleted: expect.any(String) }),
      );
      expect((await get(`/company/companies/${company.id}`)).body).toEqual(
        expect.objectContaining({ deletedFlag: true }),
      );
      const maxId = sim.state.collections.configurations.maxId();
      const added = sim.mutate.add('configurations', {
        name: 'NEW-PC',
        type: { id: 1, name: 'Managed Server' },
        company: { id: company.id },
        activeFlag: true,
        questions: [],
      });
      expect(added.id).toBe(maxId + 1);
      expect(added['company']).toEqual(
        expect.objectContaining({ id: company.id, identifier: expect.any(String), name: expect.any(String) }),
      );
    });
  });

  it('reproduces the contacts-list fixture shape for the fields the fixture has', async () => {
    const [expected] = fixture('contacts-list.json') as Array<Record<string, unknown>>;
    const contacts = (await get('/company/contacts?pageSize=1000')).body as Array<Record<string, unknown>>;
    const full = contacts.find((c) => 'lastName' in c && 'title' in c && 'defaultPhoneNbr' in c)!;
    for (const key of Object.keys(expected!)) {
      if (key === 'customFields' || key === '_info' || key === 'site' || key === 'companyLocation') continue;
      expect([key, shapeOf(full[key])]).toEqual([key, shapeOf(expected![key])]);
    }
    expect(shapeOf((full['company'] as Record<string, unknown>)['id'])).toBe('number');
  });
});
