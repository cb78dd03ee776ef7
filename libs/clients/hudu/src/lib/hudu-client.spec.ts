import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { HuduClient, parseHuduBaseUrl } from './hudu-client';
import { HuduApiError } from './errors';
import { customFieldKey, customFields } from './types';

describe('parseHuduBaseUrl', () => {
  it('takes https, and http only to this machine', () => {
    expect(parseHuduBaseUrl('https://acme.huducloud.com')).toEqual({
      origin: 'https://acme.huducloud.com',
      prefix: '',
    });
    expect(parseHuduBaseUrl('https://acme.huducloud.com/api/v1/')).toEqual({
      origin: 'https://acme.huducloud.com',
      prefix: '',
    });
    expect(parseHuduBaseUrl('http://127.0.0.1:8080')).toEqual({
      origin: 'http://127.0.0.1:8080',
      prefix: '',
    });
    expect(parseHuduBaseUrl('http://localhost:8080/hudu')).toEqual({
      origin: 'http://localhost:8080',
      prefix: '/hudu',
    });
    expect(parseHuduBaseUrl('http://[::1]:8080').origin).toBe('http://[::1]:8080');
    expect(() => parseHuduBaseUrl('http://acme.huducloud.com')).toThrow(/https/);
    expect(() => parseHuduBaseUrl('http://127.0.0.1.evil.example')).toThrow(/https/);
    expect(() => parseHuduBaseUrl('acme.huducloud.com')).toThrow(/not a URL/);
    expect(() => parseHuduBaseUrl('ftp://acme.huducloud.com')).toThrow(/https/);
    expect(() => parseHuduBaseUrl('https://user:pw@acme.huducloud.com')).toThrow(/credentials/);
  });

  it('never echoes a key passed in the URL', () => {
    expect(() => new HuduClient({ baseUrl: 'https://k:SECRET@acme.example', apiKey: 'x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('SECRET') }),
    );
  });
});

describe('custom fields', () => {
  it('keys values by the label in snake_case, one object each', () => {
    expect(customFieldKey('  Serial Number ')).toBe('serial_number');
    expect(customFieldKey('IP Address')).toBe('ip_address');
    expect(customFields({ 'Serial Number': 'X', OS: 'Linux' })).toEqual([
      { serial_number: 'X' },
      { os: 'Linux' },
    ]);
  });
});

/** A stand-in that answers with the envelope variants Hudu is known to use, to check the client reads all. */
describe('HuduClient envelopes', () => {
  let stub: FastifyInstance;
  let client: HuduClient;
  const company = { id: 7, name: 'Bare Co', archived: false };

  beforeAll(async () => {
    stub = Fastify();
    stub.post('/api/v1/companies', async (_req, reply) => reply.code(201).send(company)); // spec: 201, bare
    stub.get('/api/v1/companies/:id', async () => ({ company })); // wrapped
    stub.get('/api/v1/companies', async () => [company]); // a bare array
    stub.get('/api/v1/companies/:cid/assets/:id', async (_req, reply) =>
      reply.type('application/json').send('null'),
    );
    stub.put('/api/v1/companies/:id', async () => ({ unexpected: true }));
    stub.get('/api/v1/asset_layouts/:id', async (_req, reply) =>
      reply.code(404).type('text/html').send('<html>404</html>'),
    );
    stub.get('/api/v1/api_info', async (_req, reply) => reply.code(418).send({ error: 'Teapot' }));
    await stub.listen({ port: 0, host: '127.0.0.1' });
    const { port } = stub.server.address() as AddressInfo;
    client = new HuduClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'stub-key', maxAttempts: 1 });
  });
  afterAll(async () => {
    await client.close();
    await stub.close();
  });

  it('reads bare and wrapped objects and bare arrays', async () => {
    expect(await client.createCompany({ name: 'Bare Co' })).toEqual(company);
    expect(await client.getCompany(7)).toEqual(company);
    expect(await client.listCompanies()).toEqual([company]);
  });

  it('reads 200 null and a 404 page as absent', async () => {
    expect(await client.getAsset(7, 1)).toBeNull();
    expect(await client.getAssetLayout(1)).toBeNull();
  });

  it('refuses an answer that is not the object asked for, and other 4xx without retry', async () => {
    await expect(client.updateCompany(7, { name: 'x' })).rejects.toMatchObject({
      kind: 'unexpected-response',
    });
    const error = (await client.apiInfo().catch((e: unknown) => e)) as HuduApiError;
    expect(error.status).toBe(418);
    expect(error.huduMessage).toBe('Teapot');
    expect(error.attempts).toBe(1);
  });

  it('refuses ids that are not positive integers before sending', async () => {
    await expect(client.getCompany(0)).rejects.toThrow(/positive integers/);
    await expect(client.getCompany(1.5)).rejects.toThrow(/positive integers/);
  });
});
