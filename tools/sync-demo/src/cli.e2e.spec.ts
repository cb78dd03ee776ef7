/**
 * cwhs, the admin CLI, as an admin uses it: the built CLI as a child process against the five services
 * (real processes, the real broker and FerretDB) and the simulators. Adds an integration from a file,
 * syncs, reviews the proposed matches and decides them, reads the run; plus the errors an admin meets
 * (conflict, wrong token, unreachable service, bad arguments) and that no secret is ever printed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manageDataset } from '@cw-hudu-sync/sample-data';
import {
  type HuduSimulatorHandle,
  type ManageSimulatorHandle,
  type PipelineEnvironment,
  startHuduSimulator,
  startManageSimulator,
  startPipeline,
} from './lib/environment';
import { freePort, until } from './lib/processes';

const workspace = path.resolve(__dirname, '../../..');
const CLI = path.join(workspace, 'dist', 'apps', 'cli', 'main.js');
const TOKEN = randomBytes(24).toString('base64url');
const ID = 'cli-e2e';

let env: PipelineEnvironment;
let manage: ManageSimulatorHandle;
let hudu: HuduSimulatorHandle;
let folder: string;
const printed: string[] = [];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cwhs(args: string[], extraEnv: Record<string, string> = {}, stdin?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          CWHS_ADMIN_URL: `http://127.0.0.1:${env.ports.admin}`,
          CWHS_MATCHER_URL: `http://127.0.0.1:${env.ports.matcher}`,
          CWHS_ADMIN_TOKEN: TOKEN,
          ...extraEnv,
        },
        timeout: 300_000,
      },
      (error, stdout, stderr) => {
        printed.push(stdout, stderr);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}

const json = async <T>(args: string[]): Promise<T> => {
  const result = await cwhs([...args, '--json']);
  if (result.code !== 0) throw new Error(`cwhs ${args.join(' ')} → ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

interface Match {
  manageCompanyId: number;
  status: string;
  decision?: { decision: string; huduCompanyId?: number };
  proposal?: {
    ambiguous: boolean;
    exactMatch?: { huduCompanyId: number };
    candidates: Array<{ huduCompanyId: number; suggestionOnly: boolean }>;
  };
}
interface MatchList {
  total: number;
  items: Match[];
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (npx nx build cli)`);
  env = await startPipeline({
    workspace,
    tag: `cli-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    kafkaBrokers: process.env['KAFKA_BROKERS']!,
    mongoUrl: process.env['MONGO_URL']!,
    extraEnv: { ADMIN_TOKEN: TOKEN },
  });
  manage = await startManageSimulator(env.group, 'manage-simulator', { size: 'small', seed: '3' });
  hudu = await startHuduSimulator(
    env.group,
    'hudu-simulator',
    '3',
    manageDataset({ size: 'small', seed: 3 }),
  );
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cwhs-cli-'));
}, 300_000);

afterAll(async () => {
  await env?.stop();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

describe('cwhs, the admin CLI, against the running services', () => {
  const integrationFile = () => {
    const file = path.join(folder, 'integration.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        id: ID,
        name: 'CLI test MSP',
        manage: {
          siteUrl: manage.url,
          companyId: manage.companyId,
          publicKey: manage.publicKey,
          privateKey: manage.privateKey,
          clientId: 'cw-hudu-sync-cli-test',
        },
        hudu: { baseUrl: hudu.url, apiKey: hudu.apiKey },
        options: { matchPolicy: 'review' },
      }),
    );
    return file;
  };

  it('starts with no integrations and says how to add one', async () => {
    const result = await cwhs(['integrations']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/No integrations yet \(cwhs add/);
  });

  it('adds an integration from a file (preflight runs), lists and shows it without secrets', async () => {
    const added = await cwhs(['add', integrationFile()]);
    expect(added.stderr).toBe('');
    expect(added).toMatchObject({ code: 0, stdout: `integration "${ID}" created\n` });

    const list = await cwhs(['integrations']);
    expect(list.stdout).toContain(ID);
    expect(list.stdout).toContain(manage.url);
    const shown = await json<{ id: string; options: { matchPolicy: string } }>(['integration', ID]);
    expect(shown).toMatchObject({ id: ID, options: { matchPolicy: 'review' } });
  });

  it('reports a conflict with the reason and exit code 1, and reads stdin with "-"', async () => {
    const again = await cwhs(['add', '-'], {}, fs.readFileSync(integrationFile(), 'utf8'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/admin API answered 409: conflict/);
    expect(again.stderr).toContain(`integration "${ID}" already exists`);
  });

  it('rejects a file that is not JSON without quoting it', async () => {
    const file = path.join(folder, 'broken.json');
    fs.writeFileSync(file, `{"manage": {"privateKey": "${manage.privateKey}"`);
    const result = await cwhs(['add', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not valid JSON/);
  });

  it('syncs, lists the proposed matches, confirms exact ones, decides the rest, and undoes', async () => {
    const requested = await cwhs(['sync', ID]);
    expect(requested.code).toBe(0);
    const runId = /run (\S+) \(cwhs status/.exec(requested.stdout)?.[1];
    expect(runId).toBeDefined();

    // Review policy: the matcher proposes once the companies are fetched; nothing is decided yet.
    const companies = manageDataset({ size: 'small', seed: 3 }).companies.filter(
      (c) => !c.deletedFlag,
    ).length;
    let pending: MatchList = { total: 0, items: [] };
    await until(
      'the matcher to propose a match for every fetched company',
      async () => {
        pending = await json<MatchList>(['matches', ID, '--pending', '--limit', '500']);
        // Every company fetched and proposed, and the proposals settled (the matcher re-proposes the
        // batch after the fetch, which is when clashes between Manage companies become visible).
        const settled = pending.items.every((m) => m.proposal !== undefined);
        return pending.total === companies && settled;
      },
      180_000,
    );
    await until(
      'the proposals to settle after the fetch',
      async () => {
        const [a, b] = [pending, await json<MatchList>(['matches', ID, '--pending', '--limit', '500'])];
        pending = b;
        return JSON.stringify(a) === JSON.stringify(b);
      },
      60_000,
    );
    const table = await cwhs(['matches', ID, '--pending', '--limit', '5']);
    expect(table.stdout).toMatch(/MANAGE ID\s+NAME\s+STATUS/);
    expect(table.stdout).toContain(`(1–5 of ${pending.total})`);

    const confirmed = await cwhs(['confirm-exact', ID, '--by', 'cli-test']);
    const count = Number(
      /^(\d+) exact match\(es\) confirmed, (\d+) still pending/.exec(confirmed.stdout)?.[1],
    );
    expect(count).toBeGreaterThan(0);

    // Exactly the confirmed ones are decided, each linked to its proposal's exact match.
    const decided = await json<MatchList>(['matches', ID, '--decided', '--limit', '500']);
    expect(decided.total).toBe(count);
    const proposed = new Map(pending.items.map((m) => [m.manageCompanyId, m]));
    for (const match of decided.items) {
      const before = proposed.get(match.manageCompanyId)?.proposal;
      expect(before?.ambiguous).toBe(false);
      expect(match.decision).toMatchObject({
        decision: 'link',
        huduCompanyId: before?.exactMatch?.huduCompanyId,
      });
    }

    const rest = await json<MatchList>(['matches', ID, '--pending', '--limit', '500']);
    const withCandidate = rest.items.find((m) => (m.proposal?.candidates.length ?? 0) > 0);
    const withoutCandidate = rest.items.find((m) => (m.proposal?.candidates.length ?? 0) === 0);
    // The sample data has both (similar names, companies with no Hudu counterpart): both paths run.
    expect(withCandidate).toBeDefined();
    expect(withoutCandidate).toBeDefined();
    if (withCandidate) {
      const to = withCandidate.proposal!.candidates[0]!.huduCompanyId;
      const linked = await cwhs(['confirm', ID, String(withCandidate.manageCompanyId), '--to', String(to)]);
      expect(linked.stdout).toContain(`link → Hudu ${to} by admin:api`);
    }
    if (withoutCandidate) {
      const none = await cwhs(['confirm', ID, String(withoutCandidate.manageCompanyId)]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/has no exact match: name one with --to/);
      const created = await cwhs(['create', ID, String(withoutCandidate.manageCompanyId), '--by', 'alice']);
      expect(created.stdout).toContain('create by admin:alice');
      const undone = await cwhs(['undo', ID, String(withoutCandidate.manageCompanyId)]);
      expect(undone.code).toBe(0);
      const after = await json<MatchList>(['matches', ID, '--pending', '--limit', '500']);
      expect(after.items.some((m) => m.manageCompanyId === withoutCandidate.manageCompanyId)).toBe(true);
    }
    const unknown = await cwhs(['ignore', ID, '987654321']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/matcher API answered 404/);

    // The run ends once every emitted record is handled (parked ones included); --wait follows it there.
    const followed = await cwhs(['status', runId!, '--wait']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(new RegExp(`^run ${runId} \\(full\\) of ${ID}: completed, `));
    expect(followed.stdout).toMatch(/import\s+(\d+)\/\1 \(100%\)/);

    // The run and the configuration types found by the fetch.
    const status = await cwhs(['status', runId!]);
    expect(status.stdout).toMatch(new RegExp(`^run ${runId} \\(full\\) of ${ID}: `));
    expect(status.stdout).toMatch(/company\s+/);
    const runs = await cwhs(['runs', ID]);
    expect(runs.stdout).toContain(runId);
    await until(
      'the configuration types of the fetch',
      async () => (await json<{ types: unknown[] }>(['types', ID])).types.length > 0,
      120_000,
    );
    expect((await cwhs(['types', ID])).stdout).toMatch(/TYPE ID\s+NAME\s+CONFIGURATIONS/);
  }, 600_000);

  it('says what is wrong: bad arguments (2), wrong token (1), service unreachable (3), no token (2)', async () => {
    const usage = await cwhs(['confirm', ID]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/confirm takes <id> <manageCompanyId>/);

    const wrong = await cwhs(['integrations'], { CWHS_ADMIN_TOKEN: 'not-the-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/answered 401.*check CWHS_ADMIN_TOKEN/);

    const closed = await freePort();
    const away = await cwhs(['integrations'], { CWHS_ADMIN_URL: `http://127.0.0.1:${closed}` });
    expect(away.code).toBe(3);
    expect(away.stderr).toMatch(/admin API at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);

    const none = await cwhs(['integrations'], { CWHS_ADMIN_TOKEN: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/CWHS_ADMIN_TOKEN is not set/);
  });

  it('switches continuous sync on with a schedule, shows it, and off again', async () => {
    const on = await cwhs([
      'continuous',
      ID,
      'on',
      '--poll',
      '300',
      '--reconcile-at',
      '03:30',
      '--callbacks',
      'off',
    ]);
    expect(on.stderr).toBe('');
    expect(on.stdout).toMatch(/^continuous sync: on \(poll every 5m00s, reconcile daily at 03:30 UTC\)/);
    expect(on.stdout).toMatch(/callbacks {2}off/);
    const view = await json<{ settings: { enabled: boolean; pollIntervalSeconds: number } }>([
      'schedule',
      ID,
    ]);
    expect(view.settings).toMatchObject({ enabled: true, pollIntervalSeconds: 300 });
    const off = await cwhs(['continuous', ID, 'off']);
    expect(off.stdout).toMatch(/^continuous sync: off \(poll every 5m00s/);
  });

  it('removes the integration', async () => {
    expect((await cwhs(['remove', ID])).stdout).toBe(`integration "${ID}" deleted\n`);
    expect((await cwhs(['integration', ID])).code).toBe(1);
  });

  it('never printed a secret', () => {
    const everything = printed.join('\n');
    for (const secret of [manage.privateKey, hudu.apiKey, TOKEN]) expect(everything).not.toContain(secret);
  });
});
