/**
 * A run's progress per stage (done/total, rate, time left) and whether it is complete, computed from the
 * counts the services report. Pure: the RunStore feeds it the counts of each stage and the clock.
 *
 * The stages: the fetcher reads Manage (`fetch`: every record read, whatever became of it), the matcher
 * decides companies (`match`), the importer applies what was emitted (`import`). The import total is known
 * once the fetch is over: every emitted record (fetched or removed) gets one importer outcome, except the
 * companies waiting for an admin's decision (their records are parked, which counts as handled: they flow
 * when the decision comes, in that later run of events). Counts are progress, not accounting: a redelivered
 * message may count twice, so `done` is capped at `total` and completion means done ≥ total.
 */
export type CountStage = 'fetch' | 'match' | 'import';
export const COUNT_STAGES: readonly CountStage[] = ['fetch', 'match', 'import'];

/** counts[kind][outcome] */
export type OutcomeCounts = Record<string, Record<string, number>>;

export interface ProgressInput {
  /** The run's recorded stage (requested → fetching → importing; failed). */
  stage: string;
  startedAt: Date;
  /** When the fetch finished (the run entered `importing`), if it has. */
  fetchFinishedAt?: Date;
  counts: Record<CountStage, OutcomeCounts>;
  /** When the latest count was reported (the end of the run once complete). */
  lastReportAt?: Date;
  now: Date;
}

export interface StageProgress {
  stage: CountStage;
  done: number;
  /** Unknown while it cannot be known yet (the fetch's total, the import's total before the fetch ends). */
  total?: number;
  ratePerSecond?: number;
  etaSeconds?: number;
}

export interface RunProgress {
  stages: StageProgress[];
  /** Companies waiting for an admin's match decision (their records are parked). */
  awaitingDecision: number;
  complete: boolean;
}

const FETCH_EMITTED = ['fetched', 'removed'];

const sum = (counts: OutcomeCounts, filter: (kind: string, outcome: string) => boolean = () => true) =>
  Object.entries(counts).reduce(
    (total, [kind, outcomes]) =>
      total +
      Object.entries(outcomes).reduce((n, [outcome, value]) => n + (filter(kind, outcome) ? value : 0), 0),
    0,
  );

function rateAndEta(done: number, total: number | undefined, since: Date, until: Date) {
  const seconds = (until.getTime() - since.getTime()) / 1000;
  if (seconds <= 0 || done <= 0) return {};
  const ratePerSecond = done / seconds;
  if (total === undefined) return { ratePerSecond };
  return { ratePerSecond, etaSeconds: Math.max(0, (total - done) / ratePerSecond) };
}

export function runProgress(input: ProgressInput): RunProgress {
  const { counts, now } = input;
  const fetchOver = input.stage !== 'requested' && input.stage !== 'fetching' && input.stage !== 'failed';
  const fetchEnd = input.fetchFinishedAt ?? now;

  const fetched = sum(counts.fetch);
  const fetch: StageProgress = {
    stage: 'fetch',
    done: fetched,
    ...(fetchOver ? { total: fetched } : {}),
    ...(fetchOver ? {} : rateAndEta(fetched, undefined, input.startedAt, now)),
  };
  if (fetchOver) Object.assign(fetch, rateAndEta(fetched, undefined, input.startedAt, fetchEnd));

  const companiesEmitted = sum(counts.fetch, (kind, outcome) => kind === 'company' && outcome === 'fetched');
  const awaitingDecision = counts.match['company']?.['pending'] ?? 0;
  const matchedDone = Math.min(
    companiesEmitted,
    sum(counts.match, (kind) => kind === 'company'),
  );
  const match: StageProgress = {
    stage: 'match',
    done: matchedDone,
    ...(fetchOver ? { total: companiesEmitted } : {}),
  };

  const emitted = sum(counts.fetch, (_kind, outcome) => FETCH_EMITTED.includes(outcome));
  const importTotal = fetchOver ? Math.max(0, emitted - awaitingDecision) : undefined;
  const imported = sum(counts.import);
  const importDone = importTotal === undefined ? imported : Math.min(imported, importTotal);
  const importProgress: StageProgress = {
    stage: 'import',
    done: importDone,
    ...(importTotal !== undefined ? { total: importTotal } : {}),
    ...rateAndEta(importDone, importTotal, input.startedAt, now),
  };

  const complete = fetchOver && importTotal !== undefined && imported >= importTotal;
  if (complete) {
    // Finished: rates over the run's actual duration, nothing left.
    const end = input.lastReportAt ?? now;
    Object.assign(importProgress, rateAndEta(importDone, importTotal, input.startedAt, end), {
      etaSeconds: 0,
    });
  }
  return { stages: [fetch, match, importProgress], awaitingDecision, complete };
}
