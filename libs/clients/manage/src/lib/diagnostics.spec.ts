import diagnostics from 'node:diagnostics_channel';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { MANAGE_CHANNELS, manageRouteTemplate, type ManageCallFact } from './diagnostics';
import { ManageClient } from './manage-client';

describe('manageRouteTemplate', () => {
  it.each([
    ['/v2025_1/apis/3.0/company/companies?pageSize=5', '/company/companies'],
    ['/v2025_1/apis/3.0/company/companies/12', '/company/companies/{id}'],
    ['/v4_6_release/apis/3.0/company/configurations/count', '/company/configurations/count'],
    ['/v2025_1/apis/3.0/system/info', '/system/info'],
    ['/login/companyinfo/acme', '/login/companyinfo/{companyId}'],
  ])('%s -> %s', (path, route) => expect(manageRouteTemplate(path)).toBe(route));
});

describe('Manage client diagnostics facts', () => {
  let stub: FastifyInstance;
  let baseUrl: string;
  const calls: ManageCallFact[] = [];
  const listener = (message: unknown) => calls.push(message as ManageCallFact);

  beforeAll(async () => {
    stub = Fastify();
    stub.get('/v1_test/apis/3.0/system/info', async (request, reply) =>
      request.headers.authorization?.includes('d3Jvbmc') ? reply.code(401).send({}) : { version: 'v1' },
    );
    stub.get('/v1_test/apis/3.0/company/companies/:id', async (_request, reply) =>
      reply.code(403).send({ code: 'Forbidden', message: 'no' }),
    );
    await stub.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
    diagnostics.subscribe(MANAGE_CHANNELS.call, listener);
  });

  afterAll(async () => {
    diagnostics.unsubscribe(MANAGE_CHANNELS.call, listener);
    await stub.close();
  });

  beforeEach(() => (calls.length = 0));

  const client = (privateKey = 'private') =>
    new ManageClient({
      siteUrl: baseUrl,
      companyId: 'acme',
      publicKey: 'public',
      privateKey,
      clientId: 'client',
      codebase: 'v1_test/',
      attempts: 1,
    });

  it('publishes each exchange with its route template and status', async () => {
    const manage = client();
    await manage.systemInfo();
    await expect(manage.get('companies', 42)).rejects.toThrow();
    await manage.close();
    expect(calls.map(({ method, route, status, outcome }) => ({ method, route, status, outcome }))).toEqual([
      { method: 'GET', route: '/system/info', status: 200, outcome: 'response' },
      { method: 'GET', route: '/company/companies/{id}', status: 403, outcome: 'response' },
    ]);
    for (const call of calls) expect(call.seconds).toBeGreaterThanOrEqual(0);
  });

  it('publishes a refused login as a 401 (the auth-failure metric counts these)', async () => {
    // 'wrong' base64 is d3Jvbmc: the stub refuses that private key.
    const manage = client('wrong');
    await expect(manage.systemInfo()).rejects.toThrow();
    await manage.close();
    expect(calls).toEqual([expect.objectContaining({ route: '/system/info', status: 401 })]);
  });

  it('publishes a call without an answer as failed', async () => {
    const manage = new ManageClient({
      siteUrl: 'http://127.0.0.1:1',
      companyId: 'acme',
      publicKey: 'public',
      privateKey: 'private',
      clientId: 'client',
      codebase: 'v1_test/',
      attempts: 1,
    });
    await expect(manage.systemInfo()).rejects.toThrow();
    await manage.close();
    expect(calls).toEqual([
      expect.objectContaining({ route: '/system/info', status: undefined, outcome: 'failed' }),
    ]);
  });
});
