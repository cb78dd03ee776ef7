import { type OutcomeCounts, runProgress } from './run-progress';

const t0 = new Date('2026-12-03T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const counts = (fetch: OutcomeCounts = {}, match: OutcomeCounts = {}, imported: OutcomeCounts = {}) => ({
  fetch,
  match,
  import: imported,
});

describe('runProgress', () => {
  it('while fetching: what was read so far and its rate, no totals, not complete', () => {
    const progress = runProgress({
      stage: 'fetching',
      startedAt: t0,
      counts: counts(
        { company: { fetched: 10 }, configuration: { fetched: 30, unchanged: 10 } },
        {},
        { configuration: { created: 5 } },
      ),
      now: at(10),
    });
    expect(progress.complete).toBe(false);
    expect(progress.stages[0]).toEqual({ stage: 'fetch', done: 50, ratePerSecond: 5 });
    expect(progress.stages[2]).toEqual({ stage: 'import', done: 5, ratePerSecond: 0.5 });
  });

  it('after the fetch: import total = emitted records minus companies awaiting a decision; time left from the rate', () => {
    const progress = runProgress({
      stage: 'importing',
      startedAt: t0,
      fetchFinishedAt: at(20),
      counts: counts(
        {
          company: { fetched: 10, unchanged: 5 },
          configuration: { fetched: 80, removed: 10, skipped: 7 },
          contact: { fetched: 20 },
        },
        { company: { matched: 8, pending: 2 } },
        { company: { created: 8 }, configuration: { created: 40, parked: 10 } },
      ),
      now: at(29),
    });
    expect(progress.awaitingDecision).toBe(2);
    expect(progress.stages[0]).toEqual({ stage: 'fetch', done: 132, total: 132, ratePerSecond: 6.6 });
    expect(progress.stages[1]).toEqual({ stage: 'match', done: 10, total: 10 });
    // emitted: 10 + 80 + 10 + 20 = 120, minus 2 awaiting → 118; done 58 in 29 s → 2/s → 30 s left
    expect(progress.stages[2]).toEqual({
      stage: 'import',
      done: 58,
      total: 118,
      ratePerSecond: 2,
      etaSeconds: 30,
    });
    expect(progress.complete).toBe(false);
  });

  it('is complete once every emitted record has an importer outcome (parked and blocked count as handled)', () => {
    const progress = runProgress({
      stage: 'importing',
      startedAt: t0,
      fetchFinishedAt: at(5),
      lastReportAt: at(10),
      counts: counts(
        { company: { fetched: 2 }, configuration: { fetched: 3 } },
        { company: { matched: 2 } },
        { company: { created: 2 }, configuration: { created: 1, blocked: 1, parked: 1 } },
      ),
      now: at(100),
    });
    expect(progress.complete).toBe(true);
    expect(progress.stages[2]).toEqual({
      stage: 'import',
      done: 5,
      total: 5,
      ratePerSecond: 0.5,
      etaSeconds: 0,
    });
  });

  it('caps done at the total when redeliveries counted twice', () => {
    const progress = runProgress({
      stage: 'importing',
      startedAt: t0,
      counts: counts({ configuration: { fetched: 3 } }, {}, { configuration: { created: 3, unchanged: 2 } }),
      now: at(1),
    });
    expect(progress.stages[2]).toMatchObject({ done: 3, total: 3 });
    expect(progress.complete).toBe(true);
  });

  it('an incremental run with nothing changed is complete as soon as its fetch is', () => {
    const fetching = runProgress({
      stage: 'fetching',
      startedAt: t0,
      counts: counts({ company: { unchanged: 20 } }),
      now: at(1),
    });
    expect(fetching.complete).toBe(false);
    const fetched = runProgress({
      stage: 'importing',
      startedAt: t0,
      counts: counts({ company: { unchanged: 20 } }),
      now: at(2),
    });
    expect(fetched.complete).toBe(true);
    expect(fetched.stages[2]).toMatchObject({ done: 0, total: 0 });
  });

  it('a failed or merely requested run is never complete and has no totals', () => {
    for (const stage of ['requested', 'failed']) {
      const progress = runProgress({
        stage,
        startedAt: t0,
        counts: counts({ company: { fetched: 1 } }),
        now: at(1),
      });
      expect(progress.complete).toBe(false);
      expect(progress.stages.every((s) => s.total === undefined)).toBe(true);
    }
  });

  it('gives no rate before anything is done or when no time has passed', () => {
    const progress = runProgress({ stage: 'fetching', startedAt: t0, counts: counts(), now: t0 });
    expect(progress.stages[0]).toEqual({ stage: 'fetch', done: 0 });
  });
});
