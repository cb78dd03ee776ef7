// eslint-disable-next-line @nx/enforce-module-boundaries -- the in-process simulator, in a spec only
import { buildHuduSimulator, type HuduSimulator } from '@cw-hudu-sync/hudu-simulator';
import { contactEmail, contactName, naiveSync, type ManageRecords } from './naive';
import { byRoute, fromHuduCounters, writesOf } from './stats';

const KEY = 'bench-key';

const records: ManageRecords = {
  companies: [
    { id: 1, identifier: 'AcmeCorp', name: 'Acme Corp', phoneNumber: '555-0100' },
    { id: 2, identifier: 'Globex', name: 'Globex', website: 'globex.example' },
  ],
  configurations: [
    { id: 11, name: 'ACME-SRV-01', company: { id: 1 }, serialNumber: 'S1' },
    { id: 12, name: 'ACME-WS-02', company: { id: 1 } },
    { id: 13, name: 'GLX-FW', company: { id: 2 }, modelNumber: 'M1' },
  ],
  contacts: [
    {
      id: 21,
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: { id: 2 },
      communicationItems: [{ communicationType: 'Email', value: 'ada@globex.example', defaultFlag: true }],
    },
    // No company: a script cannot place it, and does not try.
    { id: 22, firstName: 'Nobody' },
  ],
};

let sim: HuduSimulator;
let url: string;

beforeEach(async () => {
  sim = buildHuduSimulator({
    apiKeys: [KEY],
    rateLimit: { limit: 1_000_000 },
    seed: { seed: 1, manageCompanies: [] },
  });
  url = await sim.listen({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await sim.close();
});

const mix = () =>
  Object.fromEntries(
    byRoute(fromHuduCounters(sim.counters.snapshot())).map((r) => [`${r.method} ${r.route}`, r.count]),
  );

describe('the naive baseline', () => {
  it('first run: per record one look-up by name, then one create; one call at a time, layouts read once', async () => {
    const outcome = await naiveSync(records, { url, apiKey: KEY });
    expect(outcome).toEqual({ created: 6, updated: 0, failures: 0, failureSamples: [] });
    expect(mix()).toEqual({
      'GET /api/v1/asset_layouts': 1,
      'GET /api/v1/companies': 2,
      'POST /api/v1/companies': 2,
      'GET /api/v1/assets': 4,
      'POST /api/v1/companies/:company_id/assets': 4,
    });
    const names = [...sim.store.assets.values()].map((a) => a.name).sort();
    expect(names).toEqual(['ACME-SRV-01', 'ACME-WS-02', 'Ada Lovelace', 'GLX-FW']);
  });

  it('second run with nothing changed: no state, so it looks up and writes every record again', async () => {
    await naiveSync(records, { url, apiKey: KEY });
    sim.counters.reset();
    const outcome = await naiveSync(records, { url, apiKey: KEY });
    expect(outcome).toEqual({ created: 0, updated: 6, failures: 0, failureSamples: [] });
    expect(mix()).toEqual({
      'GET /api/v1/asset_layouts': 1,
      'GET /api/v1/companies': 2,
      'PUT /api/v1/companies/:id': 2,
      'GET /api/v1/assets': 4,
      'PUT /api/v1/companies/:company_id/assets/:id': 4,
    });
    expect(writesOf(fromHuduCounters(sim.counters.snapshot()))).toBe(6);
  });

  it('counts what Hudu refuses and goes on', async () => {
    const outcome = await naiveSync(records, { url, apiKey: 'wrong-key' });
    expect(outcome.failures).toBeGreaterThan(0);
    expect(outcome.created).toBe(0);
    expect(outcome.failureSamples[0]).toContain('401');
  });
});

describe('contact mapping', () => {
  it('names a contact "First Last" and picks the default e-mail', () => {
    expect(contactName({ firstName: ' Ada ', lastName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(contactName({ firstName: 'Cher' })).toBe('Cher');
    expect(
      contactEmail({
        id: 1,
        firstName: 'A',
        communicationItems: [
          { communicationType: 'Phone', value: '555' },
          { communicationType: 'Email', value: 'first@x' },
          { communicationType: 'Email', value: 'default@x', defaultFlag: true },
        ],
      }),
    ).toBe('default@x');
    expect(contactEmail({ id: 1, firstName: 'A' })).toBeUndefined();
  });
});
