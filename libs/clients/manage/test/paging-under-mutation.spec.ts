import { ManageClient } from '../src';
import { type ManageSimulatorProcess as SimulatorProcess, startManageSimulator } from '@cw-hudu-sync/testing';

/**
 * Walks 10,000 configurations while records are changed, renamed and added between and during page
 * requests. The client's paging must return every record that existed at the start exactly once, plus
 * each record added during the walk exactly once. A naive offset walk ordered by name, under the same
 * mutations, is the control: it must show repeats or skips, or this test could not fail.
 */
describe('paging 10,000 configurations while they change', () => {
  const pageSize = 500;
  const mutatingPages = 15;

  interface Mutator {
    added: number[];
    /** Mutates around the cursor: records behind and ahead of it change, move in name order, and new ones appear. */
    step(cursorIds: number[]): Promise<void>;
    /** Fire-and-forget mutations running concurrently with the walk. */
    background(): { stop: () => Promise<void> };
  }

  /** A tiny seeded generator (the client may not import the sample-data library). */
  const seeded = (seed: number) => {
    let state = seed >>> 0;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    return {
      int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
      chance: (p: number) => next() < p,
    };
  };

  const mutator = (sim: SimulatorProcess, initial: number[], seed: number): Mutator => {
    const random = seeded(seed);
    const added: number[] = [];
    const pick = () => initial[random.int(0, initial.length - 1)]!;
    const rename = (id: number, name: string) => sim.control('PATCH', `/_sim/configurations/${id}`, { name });
    return {
      added,
      async step(cursorIds) {
        const behind = cursorIds.length > 0 ? cursorIds[random.int(0, cursorIds.length - 1)]! : pick();
        const ahead = pick();
        await Promise.all([
          rename(behind, `zzz moved forward ${behind}`),
          rename(ahead, `AAA moved back ${ahead}`),
          sim.control('PATCH', `/_sim/configurations/${pick()}`, { notes: 'changed during the walk' }),
          sim.control('POST', '/_sim/configurations/touch', { ids: [pick(), pick()] }),
        ]);
        for (let i = 0; i < 2; i++) {
          const record = (await sim.control('POST', '/_sim/configurations', {
            name: `ADDED ${random.int(0, 1e6)}`,
            type: { id: 1, name: 'Managed Server' },
            company: { id: 250 },
            activeFlag: true,
            questions: [],
          })) as { id: number };
          added.push(record.id);
        }
      },
      background() {
        let running = true;
        const loop = (async () => {
          while (running) {
            const id = pick();
            await sim.control('PATCH', `/_sim/configurations/${id}`, {
              name: `${random.chance(0.5) ? 'AAA' : 'zzz'} bg ${id}`,
            });
          }
        })();
        return {
          stop: async () => {
            running = false;
            await loop;
          },
        };
      },
    };
  };

  const initialIds = async (sim: SimulatorProcess): Promise<number[]> => {
    const state = (await sim.control('GET', '/_sim/state')) as {
      counts: { configurations: number };
      maxIds: { configurations: number };
    };
    expect(state.counts.configurations).toBe(10_000);
    // dataset ids are contiguous from MANAGE_FIRST_CONFIGURATION_ID
    const first = state.maxIds.configurations - state.counts.configurations + 1;
    return Array.from({ length: state.counts.configurations }, (_, i) => first + i);
  };

  const expectExactlyOnce = (seen: number[], expected: number[]) => {
    const counts = new Map<number, number>();
    for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const missing = expected.filter((id) => !counts.has(id));
    expect({ repeated, missing, total: seen.length }).toEqual({
      repeated: [],
      missing: [],
      total: expected.length,
    });
  };

  for (const [mode, env] of [
    ['forward-only', {}],
    ['keyset (forward-only unsupported)', { MANAGE_SIM_FORWARD_ONLY_UNSUPPORTED: 'company/configurations' }],
  ] as const) {
    it(`the client (${mode}) sees each record exactly once`, async () => {
      const sim = await startManageSimulator({ MANAGE_SIM_SIZE: 'medium', MANAGE_SIM_SEED: '5', ...env });
      const manage = new ManageClient({
        siteUrl: sim.url,
        companyId: sim.companyId,
        publicKey: sim.publicKey,
        privateKey: sim.privateKey,
        clientId: 'paging-test',
        pageSize,
      });
      try {
        const initial = await initialIds(sim);
        const mutations = mutator(sim, initial, 99);
        const background = mutations.background();
        const seen: number[] = [];
        let pages = 0;
        try {
          for await (const page of manage.pages('configurations', { fields: ['id', 'name'] })) {
            seen.push(...page.records.map((r) => r.id));
            if (++pages <= mutatingPages) await mutations.step(seen);
          }
        } finally {
          await background.stop();
        }
        expect(pages).toBeGreaterThanOrEqual(20);
        expect(mutations.added.length).toBe(2 * mutatingPages);
        expectExactlyOnce(seen, [...initial, ...mutations.added]);
      } finally {
        await manage.close();
        await sim.stop();
      }
    }, 120_000);
  }

  it('control: naive offset paging ordered by name repeats or skips records under the same mutations', async () => {
    const sim = await startManageSimulator({ MANAGE_SIM_SIZE: 'medium', MANAGE_SIM_SEED: '5' });
    try {
      const initial = await initialIds(sim);
      const mutations = mutator(sim, initial, 99);
      const headers = {
        authorization: `Basic ${Buffer.from(`${sim.companyId}+${sim.publicKey}:${sim.privateKey}`).toString('base64')}`,
        clientId: 'paging-test',
      };
      const seen: number[] = [];
      for (let page = 1; page <= 40; page++) {
        const response = await fetch(
          `${sim.apiUrl}/company/configurations?orderBy=name%20asc&fields=id,name&pageSize=${pageSize}&page=${page}`,
          { headers },
        );
        const records = (await response.json()) as Array<{ id: number }>;
        if (records.length === 0) break;
        seen.push(...records.map((r) => r.id));
        if (page <= mutatingPages) await mutations.step(seen);
      }
      const unique = new Set(seen);
      const missing = [...initial, ...mutations.added].filter((id) => !unique.has(id));
      expect(seen.length - unique.size + missing.length).toBeGreaterThan(0);
    } finally {
      await sim.stop();
    }
  }, 120_000);
});
