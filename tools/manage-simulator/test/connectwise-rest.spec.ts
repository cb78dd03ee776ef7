import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { ManageAPI, utils } from 'connectwise-rest';
import type { components } from 'connectwise-rest/dist/ManageTypes';
import { buildManageSimulator, defaultMembers, type ManageSimulator } from '../src/lib/simulator';

type Schemas = components['schemas'];

// connectwise-rest always builds `https://{companyUrl}/{entryPoint}/apis/3.0`, so the simulator serves HTTPS
// with a test certificate and this process trusts that certificate (and only it) on the global agent,
// which axios uses. The library itself runs unchanged.
const tls = path.join(__dirname, 'tls');
const cert = fs.readFileSync(path.join(tls, 'cert.pem'));
const key = fs.readFileSync(path.join(tls, 'key.pem'));

describe('connectwise-rest 1.3.0 against the simulator, unchanged', () => {
  let sim: ManageSimulator;
  let cwm: ManageAPI;
  const member = defaultMembers[0]!;
  const originalCa = https.globalAgent.options.ca;

  beforeAll(async () => {
    https.globalAgent.options.ca = cert;
    sim = buildManageSimulator({ dataset: { size: 'small', seed: 9 }, https: { key, cert } });
    const base = await sim.listen();
    cwm = new ManageAPI({
      companyId: 'ExampleMSP',
      companyUrl: new URL(base).host, // 127.0.0.1:port
      publicKey: member.publicKey,
      privateKey: member.privateKey,
      clientId: '00000000-0000-4000-8000-000000000000',
      entryPoint: 'v2025_1',
      logger: () => undefined,
    });
  });
  afterAll(async () => {
    https.globalAgent.options.ca = originalCa;
    https.globalAgent.destroy();
    await sim.close();
  });

  it('reads /system/info', async () => {
    const info: Schemas['Info'] = await cwm.SystemAPI.getSystemInfo();
    expect(info.version).toMatch(/^v2025\.1/);
    expect(info.isCloud).toBe(true);
  });

  it('lists, counts and reads companies with conditions, typed by the official schema', async () => {
    const count = await cwm.CompanyAPI.getCompanyCompaniesCount({ conditions: 'deletedFlag = false' });
    const companies: Schemas['Company'][] = await cwm.CompanyAPI.getCompanyCompanies({
      conditions: 'deletedFlag = false',
      pageSize: 1000,
    });
    expect(companies).toHaveLength(count.count!);
    expect(companies.every((c) => c.deletedFlag === false)).toBe(true);
    const first = companies[0]!;
    const one = await cwm.CompanyAPI.getCompanyCompaniesById(first.id!);
    expect(one).toEqual(first);
    expect(typeof one.status?.name).toBe('string');
  });

  it('paginates every configuration exactly once with its own paginate()', async () => {
    // getCompanyConfigurations(managedIdentifier, params): the generated first argument is unused by the library
    const args: Record<string, unknown>[] = [{}, {}];
    const all = (await cwm.paginate(
      cwm.CompanyAPI.getCompanyConfigurations,
      { startPage: 0, pageSize: 37 },
      ...args,
    )) as Schemas['Company.Configuration'][];
    expect(all).toHaveLength(200);
    expect(new Set(all.map((c) => c.id)).size).toBe(200);
  });

  it('reads contacts with their communication items', async () => {
    const contacts: Schemas['Contact'][] = await cwm.CompanyAPI.getCompanyContacts({ pageSize: 1000 });
    expect(contacts).toHaveLength(60);
    expect(contacts.some((c) => c.communicationItems?.some((i) => i.communicationType === 'Email'))).toBe(
      true,
    );
  });

  it('surfaces Manage’s error body for a bad condition', async () => {
    await expect(cwm.CompanyAPI.getCompanyCompanies({ conditions: 'nosuch = 1' })).rejects.toEqual(
      expect.objectContaining({ status: 400, data: expect.objectContaining({ code: 'InvalidObject' }) }),
    );
  });

  it('registers a callback and verifies a delivered signature with its verifyMessage()', async () => {
    const deliveries: Array<{ body: string; signature: string }> = [];
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        deliveries.push({ body, signature: String(request.headers['x-content-signature']) });
        response.statusCode = 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    try {
      const entry = await cwm.SystemAPI.postSystemCallbacks({
        url: `http://127.0.0.1:${port}/cw?recordId=`,
        objectId: 1,
        type: 'company',
        level: 'owner',
      } as Schemas['CallbackEntry']);
      expect(entry.id).toEqual(expect.any(Number));
      const company = sim.state.collections.companies.all()[0]!;
      sim.mutate.update('companies', company.id, { name: 'Renamed & Co' });
      await sim.settleCallbacks();
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
    expect(deliveries).toHaveLength(1);
    const delivery = deliveries[0]!;
    const payload = JSON.parse(delivery.body) as Parameters<typeof utils.Callback.verifyMessage>[0];
    expect(utils.Callback.verifyMessage(payload, delivery.signature, sim.signingKey)).toBe(true);
    expect(utils.Callback.verifyMessage(payload, delivery.signature, 'wrong key')).toBe(false);
  });
});
