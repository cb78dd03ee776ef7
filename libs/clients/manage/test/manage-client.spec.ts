import {
  ManageApiError,
  ManageClient,
  type ManageClientOptions,
  ManageConfigurationError,
  ManageUnavailableError,
  conditionString,
  latestLastUpdated,
} from '../src';
import { type ManageSimulatorProcess as SimulatorProcess, startManageSimulator } from '@cw-hudu-sync/testing';

const allGrants = [
  'Companies / Company Maintenance',
  'Companies / Configurations',
  'Companies / Contacts',
  'System / API Reports',
  'System / Member Maintenance',
  'System / Table Setup',
];

describe('ManageClient against the simulator', () => {
  let sim: SimulatorProcess;
  const clients: ManageClient[] = [];
  const sleeps: number[] = [];
  const client = (overrides: Partial<ManageClientOptions> = {}) => {
    const c = new ManageClient({
      siteUrl: sim.url,
      companyId: sim.companyId,
      publicKey: sim.publicKey,
      privateKey: sim.privateKey,
      clientId: '9a5c6a52-3f0e-4d53-9d6e-6b3c1f2d7e10',
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });
    clients.push(c);
    return c;
  };
  const collect = async <T>(pages: AsyncIterable<{ records: T[]; mode: string }>) => {
    const records: T[] = [];
    const modes = new Set<string>();
    for await (const page of pages) {
      records.push(...page.records);
      modes.add(page.mode);
    }
    return { records, modes: [...modes] };
  };

  beforeAll(async () => {
    sim = await startManageSimulator({
      MANAGE_SIM_SIZE: 'small',
      MANAGE_SIM_SEED: '11',
      MANAGE_SIM_PRIVATE_KEY: 'Very-Secret-Private-Key-123',
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim.stop();
  });
  beforeEach(async () => {
    sleeps.length = 0;
    await sim.control('PUT', '/_sim/faults', {});
    await sim.control('PUT', `/_sim/members/${sim.publicKey}/grants`, { grants: allGrants });
  });

  it('discovers the codebase and reads /system/info', async () => {
    const manage = client();
    expect(await manage.codebase()).toBe('v2025_1/');
    expect((await manage.systemInfo()).version).toMatch(/^v2025\.1/);
  });

  it('rediscovers the codebase after a hosted upgrade moves it', async () => {
    const manage = client();
    expect(await manage.codebase()).toBe('v2025_1/');
    await sim.control('PUT', '/_sim/codebase', { codebase: 'v2026_1/' });
    try {
      expect(await manage.count('companies')).toBeGreaterThan(0);
      expect(await manage.codebase()).toBe('v2026_1/');
      const pinned = client({ codebase: 'v2025_1/' });
      await expect(pinned.count('companies')).rejects.toMatchObject({ status: 404 });
    } finally {
      await sim.control('PUT', '/_sim/codebase', { codebase: 'v2025_1/' });
    }
  });

  it('names an unknown company id', async () => {
    await expect(client({ companyId: 'NoSuchCompany' }).codebase()).rejects.toThrow(ManageConfigurationError);
  });

  it('fails on wrong keys with 401, carrying Manage’s message but never the private key, without retrying', async () => {
    const secret = 'Wrong-Private-Key-Value-987';
    const manage = client({ privateKey: secret });
    const error = (await manage.count('companies').catch((e: unknown) => e)) as ManageApiError;
    expect(error).toBeInstanceOf(ManageApiError);
    expect(error.status).toBe(401);
    expect(error.manageMessage).toBe('UserNotAuthenticated');
    const serialised = JSON.stringify({ error, message: error.message, stack: error.stack, client: manage });
    expect(serialised).not.toContain(secret);
    expect(serialised).not.toContain(
      Buffer.from(`${sim.companyId}+${sim.publicKey}:${secret}`).toString('base64'),
    );
    expect(sleeps).toEqual([]);
  });

  it('preflight names each missing security-role setting (403) and passes with all grants', async () => {
    const manage = client();
    expect(await manage.checkPermissions()).toEqual(expect.objectContaining({ ok: true, missing: [] }));
    await sim.control('PUT', `/_sim/members/${sim.publicKey}/grants`, {
      grants: ['Companies / Company Maintenance', 'Companies / Contacts'],
    });
    const report = await manage.checkPermissions();
    expect(report.ok).toBe(false);
    expect(report.missing.map((m) => m.description)).toEqual([
      'Companies → Configurations (Inquire): read configurations',
      'System → API Reports (Inquire): reporting API',
      'System → Member Maintenance (Inquire): resolve members (updatedBy)',
      'System → Table Setup (Inquire): company statuses',
      'System → Table Setup (Inquire): configuration types',
      'System → Table Setup (Inquire): configuration statuses',
    ]);
    expect(report.missing[0]!.manageMessage).toContain('Configurations');
    const denied = (await manage.count('configurations').catch((e: unknown) => e)) as ManageApiError;
    expect(denied.status).toBe(403);
    expect(sleeps).toEqual([]);
  });

  it('lists every record of each resource exactly once, matching the counts', async () => {
    const manage = client({ pageSize: 17 });
    for (const entity of [
      'companies',
      'configurations',
      'contacts',
      'companyStatuses',
      'configurationTypes',
      'configurationStatuses',
    ] as const) {
      const { records, modes } = await collect(manage.pages(entity));
      expect([entity, records.length]).toEqual([entity, await manage.count(entity)]);
      expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
      expect(modes).toEqual(['forward-only']);
    }
  });

  it('filters with conditions and selects fields', async () => {
    const manage = client();
    const { records } = await collect(
      manage.pages('companies', {
        conditions: `name = ${conditionString('Smith & Jones')}`,
        fields: ['name', 'status/name'],
      }),
    );
    expect(records).toEqual([
      { id: expect.any(Number), name: 'Smith & Jones', status: { name: expect.any(String) } },
    ]);
    const inactive = await manage.count('configurations', { conditions: 'activeFlag = false' });
    const { records: closed } = await collect(
      manage.pages('configurations', { conditions: 'activeFlag = false' }),
    );
    expect(closed.length).toBe(inactive);
    expect(closed.every((c) => c.activeFlag === false)).toBe(true);
    const bad = (await manage
      .count('companies', { conditions: 'nosuch = 1' })
      .catch((e: unknown) => e)) as ManageApiError;
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('nosuch is not a valid field name');
    const single = await manage.get('companies', records[0]!.id);
    expect(single.identifier).toEqual(expect.any(String));
  });

  it('lists incrementally from a watermark', async () => {
    const manage = client();
    const { records: all } = await collect(manage.pages('contacts'));
    const watermark = latestLastUpdated(all)!;
    const { records: none } = await collect(
      manage.changedSince('contacts', watermark, { overlapSeconds: 0 }),
    );
    expect(none).toEqual([]);
    const [a, b] = all;
    await sim.control('PATCH', `/_sim/contacts/${a!.id}`, { title: 'Changed' });
    await sim.control('PATCH', `/_sim/contacts/${b!.id}`, { firstName: 'Renamed' });
    const added = (await sim.control('POST', '/_sim/contacts', {
      firstName: 'New',
      company: { id: a!.company!.id },
      inactiveFlag: false,
    })) as { id: number };
    const { records: changed } = await collect(
      manage.changedSince('contacts', watermark, { overlapSeconds: 0 }),
    );
    expect(changed.map((c) => c.id).sort((x, y) => x - y)).toEqual(
      [a!.id, b!.id, added.id].sort((x, y) => x - y),
    );
    expect(latestLastUpdated(changed, watermark)! >= watermark).toBe(true);
  });

  it('retries 429 honouring Retry-After, and 5xx with backoff', async () => {
    const manage = client({ backoff: { initialMs: 100, maxMs: 1000 } });
    await sim.control('PUT', '/_sim/faults', { rateLimitNext: 2, retryAfterSeconds: 3 });
    expect(await manage.count('companies')).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 3000)).toBe(true);
    sleeps.length = 0;
    await sim.control('PUT', '/_sim/faults', { failNext: 2, failStatus: 503 });
    expect(await manage.count('companies')).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 50 && ms <= 1000)).toBe(true);
  });

  it('gives up after the configured attempts with Manage’s status', async () => {
    const manage = client({ attempts: 3 });
    await sim.control('PUT', '/_sim/faults', { failNext: 5 });
    const error = (await manage.count('companies').catch((e: unknown) => e)) as ManageApiError;
    expect(error.status).toBe(500);
    expect(error.manageMessage).toBe('A timeout has occured. Please try again.');
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry 400 or 404', async () => {
    const manage = client();
    await expect(manage.get('companies', 1)).rejects.toMatchObject({ status: 404, code: 'NotFound' });
    await expect(manage.count('companies', { conditions: 'id = "x"' })).rejects.toMatchObject({
      status: 400,
    });
    expect(sleeps).toEqual([]);
  });

  it('times out a hanging call and retries it', async () => {
    const manage = client({ timeoutMs: 300 });
    await sim.control('PUT', '/_sim/faults', { hangNext: 1, hangMs: 2000 });
    expect(await manage.count('companies')).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(1);
  });

  it('reports an unreachable site without the key', async () => {
    const manage = client({ siteUrl: 'http://127.0.0.1:9', attempts: 2 });
    const error = (await manage.systemInfo().catch((e: unknown) => e)) as ManageUnavailableError;
    expect(error).toBeInstanceOf(ManageUnavailableError);
    expect(error.message).not.toContain('Very-Secret-Private-Key-123');
  });
});

describe('ManageClient where forward-only paging is not supported', () => {
  let sim: SimulatorProcess;
  let manage: ManageClient;
  beforeAll(async () => {
    sim = await startManageSimulator({ MANAGE_SIM_FORWARD_ONLY_UNSUPPORTED: 'company/configurations' });
    manage = new ManageClient({
      siteUrl: sim.url,
      companyId: sim.companyId,
      publicKey: sim.publicKey,
      privateKey: sim.privateKey,
      clientId: 'x',
      codebase: 'v2025_1/',
      pageSize: 30,
    });
  });
  afterAll(async () => {
    await manage.close();
    await sim.stop();
  });

  it('falls back to keyset paging (id > last, orderBy id) and still reads each record once', async () => {
    const ids: number[] = [];
    const modes = new Set<string>();
    for await (const page of manage.pages('configurations', { conditions: 'id > 0' })) {
      ids.push(...page.records.map((r) => r.id));
      modes.add(page.mode);
    }
    expect([...modes]).toEqual(['keyset']);
    expect(ids).toHaveLength(await manage.count('configurations'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
