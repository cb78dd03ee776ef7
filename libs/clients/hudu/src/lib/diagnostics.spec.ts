import diagnostics from 'node:diagnostics_channel';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { resetSharedBudgets } from './budget';
import { HUDU_CHANNELS, huduRouteTemplate, type HuduCallFact } from './diagnostics';
import { HuduClient } from './hudu-client';

describe('huduRouteTemplate', () => {
  it.each([
    ['/companies', '/companies'],
    ['/companies/12', '/companies/{id}'],
    ['/companies/12/assets/5/archive', '/companies/{id}/assets/{id}/archive'],
    ['/companies/jump?integration_id=4', '/companies/jump'],
    ['/api_info', '/api_info'],
    ['/asset_layouts/3', '/asset_layouts/{id}'],
  ])('%s -> %s', (path, route) => expect(huduRouteTemplate(path)).toBe(route));
});

describe('Hudu client diagnostics facts', () => {
  let stub: FastifyInstance;
  let baseUrl: string;
  let throttled = 0;
  const facts: Record<string, unknown[]> = { call: [], budgetWait: [], rateLimited: [] };
  const listeners = Object.fromEntries(
    Object.keys(facts).map((name) => [name, (message: unknown) => facts[name]?.push(message)]),
  );

  beforeAll(async () => {
    stub = Fastify();
    stub.get('/api/v1/companies/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      if (id === '9' && throttled++ === 0) return reply.code(429).header('retry-after', '0').send({});
      if (id === '404') return reply.code(404).send({ error: 'not found' });
      return { company: { id: Number(id), name: 'Co' } };
    });
    await stub.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
    for (const [name, channel] of Object.entries(HUDU_CHANNELS)) {
      const listener = listeners[name];
      if (listener) diagnostics.subscribe(channel, listener);
    }
  });

  afterAll(async () => {
    for (const [name, channel] of Object.entries(HUDU_CHANNELS)) {
      const listener = listeners[name];
      if (listener) diagnostics.unsubscribe(channel, listener);
    }
    await stub.close();
    resetSharedBudgets();
  });

  beforeEach(() => {
    for (const list of Object.values(facts)) list.length = 0;
  });

  it('publishes each exchange with its route template and status, never the raw path', async () => {
    const client = new HuduClient({ baseUrl, apiKey: 'facts-key-1' });
    await client.getCompany(12);
    await client.getCompany(404);
    await client.close();
    const calls = facts['call'] as HuduCallFact[];
    expect(calls.map(({ method, route, status, outcome }) => ({ method, route, status, outcome }))).toEqual([
      { method: 'GET', route: '/companies/{id}', status: 200, outcome: 'response' },
      { method: 'GET', route: '/companies/{id}', status: 404, outcome: 'response' },
    ]);
    for (const call of calls) expect(call.seconds).toBeGreaterThanOrEqual(0);
    expect(facts['budgetWait']).toHaveLength(2);
    expect(facts['rateLimited']).toEqual([]);
  });

  it('publishes a 429 as a call and as a rate-limit pause, then the retried call', async () => {
    const client = new HuduClient({ baseUrl, apiKey: 'facts-key-2' });
    await client.getCompany(9);
    await client.close();
    expect((facts['call'] as HuduCallFact[]).map((c) => c.status)).toEqual([429, 200]);
    expect(facts['rateLimited']).toEqual([{ route: '/companies/{id}', waitMs: expect.any(Number) }]);
    expect(facts['budgetWait']).toHaveLength(2);
  });

  it('publishes a call without an answer as a network failure', async () => {
    const client = new HuduClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: 'facts-key-3',
      maxAttempts: 1,
    });
    await expect(client.getCompany(1)).rejects.toThrow();
    await client.close();
    expect(facts['call']).toEqual([
      expect.objectContaining({ route: '/companies/{id}', status: undefined, outcome: 'network' }),
    ]);
  });
});
