import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { type Connection, type Model, Schema } from 'mongoose';
import {
  COUNT_STAGES,
  type CountStage,
  type OutcomeCounts,
  type RunProgress,
  runProgress,
} from './run-progress';

/**
 * Sync runs and their progress, as the admin API and CLI show them.
 *
 * Several services report into the same run at the same time. FerretDB 1.x does not apply concurrent
 * updates of one document atomically (measured: 25 concurrent `$inc` of one field kept 8), so counts and
 * errors are never updated in place: each report is a new document (inserts are safe), and reads add them
 * up with `$group`. The run document itself only has its stage set. Counts are progress, not accounting:
 * a redelivered message may count twice; the Hudu state is what is exact.
 */
export type RunStage = 'requested' | 'fetching' | 'matching' | 'importing' | 'completed' | 'failed';

export interface RunError {
  at: string;
  service: string;
  kind?: string;
  manageId?: number;
  reason: string;
}

export interface RunView {
  id: string;
  integrationId: string;
  mode: 'full' | 'incremental';
  stage: RunStage;
  /** counts[kind][outcome] over all stages, e.g. counts.configuration.created */
  counts: Record<string, Record<string, number>>;
  /** The same per reporting stage: what the fetcher, the matcher and the importer each did. */
  stages: Record<CountStage, OutcomeCounts>;
  /** Per stage done/total, rate and time left; `complete` once every emitted record was handled. */
  progress: RunProgress;
  huduCalls: number;
  errors: RunError[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

interface RunDocument {
  _id: string;
  integrationId: string;
  mode: 'full' | 'incremental';
  stage: RunStage;
  startedAt: Date;
  updatedAt: Date;
  /** When the fetch finished (the run entered `importing`). */
  fetchedAt?: Date;
  finishedAt?: Date;
}

interface RunCountDocument {
  runId: string;
  /** Which stage reported it (runs recorded before stages existed read as `import`). */
  stage?: CountStage;
  at?: Date;
  kind: string;
  outcome: string;
  n: number;
  huduCalls: number;
}

interface RunErrorDocument extends RunError {
  runId: string;
}

/**
 * Facts the run store publishes on `node:diagnostics_channel` as runs progress, for whoever turns them
 * into metrics (the service platform does; this library never depends on a metrics library). With
 * nobody subscribed, publishing costs one boolean check and no database read. The names are the
 * contract: the subscriber (libs/shared/service, metrics.ts) uses the same strings.
 * - `cwhs:run:count`: `{ integrationId, kind, outcome, n }` for every `count()`;
 * - `cwhs:run:stage`: `{ integrationId, stage, at }` for every `setStage()`.
 */
export const RUN_CHANNELS = { count: 'cwhs:run:count', stage: 'cwhs:run:stage' } as const;

export interface RunCountFact {
  integrationId: string;
  kind: string;
  outcome: string;
  n: number;
}

export interface RunStageFact {
  integrationId: string;
  stage: RunStage;
  /** Epoch ms when the stage was set. */
  at: number;
}

const countChannel = diagnostics.channel(RUN_CHANNELS.count);
const stageChannel = diagnostics.channel(RUN_CHANNELS.stage);
/** Runs whose integration this process knows (bounded: oldest forgotten first). */
const KNOWN_RUNS = 1_000;

const MAX_ERRORS = 200;
const safeKey = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || '_';

const schema = new Schema<RunDocument>(
  {
    _id: { type: String, required: true },
    integrationId: { type: String, required: true, index: true },
    mode: { type: String, required: true },
    stage: { type: String, required: true },
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    fetchedAt: Date,
    finishedAt: Date,
  },
  { versionKey: false, collection: 'runs' },
);

const countSchema = new Schema<RunCountDocument>(
  {
    runId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    outcome: { type: String, required: true },
    n: { type: Number, required: true },
    huduCalls: { type: Number, default: 0 },
    stage: { type: String, enum: COUNT_STAGES },
    at: Date,
  },
  { versionKey: false, collection: 'run_counts' },
);

const errorSchema = new Schema<RunErrorDocument>(
  {
    runId: { type: String, required: true, index: true },
    at: { type: String, required: true },
    service: { type: String, required: true },
    kind: String,
    manageId: Number,
    reason: { type: String, required: true },
  },
  { versionKey: false, collection: 'run_errors' },
);

export class RunStore {
  /** The diagnostics channels this store publishes on (see RUN_CHANNELS). */
  static readonly channels = RUN_CHANNELS;
  private readonly model: Model<RunDocument>;
  /** runId → integrationId, so facts name the integration without a read per count. */
  private readonly integrations = new Map<string, string>();
  private readonly counts: Model<RunCountDocument>;
  private readonly errors: Model<RunErrorDocument>;

  private readonly stage: CountStage;

  /**
   * `stage` says which stage this process's counts belong to (the fetcher's `fetch`, the matcher's
   * `match`, the importer's `import`): outcome names such as `unchanged` or `skipped` mean different
   * things in each, and the run's progress compares them.
   */
  constructor(connection: Connection, options: { stage?: CountStage } = {}) {
    this.stage = options.stage ?? 'import';
    const model = <T>(name: string, definition: Schema<T>) =>
      (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, definition);
    this.model = model('Run', schema);
    this.counts = model('RunCount', countSchema);
    this.errors = model('RunError', errorSchema);
  }

  /** A new run id; the run document is created by `start`. */
  static newRunId(): string {
    return randomUUID();
  }

  /** Creates the run if it does not exist yet (idempotent). */
  async start(runId: string, integrationId: string, mode: 'full' | 'incremental'): Promise<void> {
    const now = new Date();
    await this.model.updateOne(
      { _id: runId },
      {
        $setOnInsert: {
          integrationId,
          mode,
          stage: 'requested',
          counts: {},
          huduCalls: 0,
          errors: [],
          startedAt: now,
        },
        $set: { updatedAt: now },
      },
      { upsert: true },
    );
    this.remember(runId, integrationId);
  }

  async setStage(runId: string, stage: RunStage): Promise<void> {
    const at = new Date();
    const set: Record<string, unknown> = { stage, updatedAt: at };
    if (stage === 'completed' || stage === 'failed') set['finishedAt'] = at;
    if (stage === 'importing') set['fetchedAt'] = at;
    await this.model.updateOne({ _id: runId }, { $set: set });
    if (stageChannel.hasSubscribers) {
      const integrationId = await this.integrationOf(runId);
      if (integrationId)
        stageChannel.publish({ integrationId, stage, at: at.getTime() } satisfies RunStageFact);
    }
  }

  /** Adds to counts[kind][outcome] (and optionally to the Hudu call count). */
  async count(runId: string, kind: string, outcome: string, by = 1, huduCalls = 0): Promise<void> {
    await this.counts.create({
      runId,
      stage: this.stage,
      kind: safeKey(kind),
      outcome: safeKey(outcome),
      n: by,
      huduCalls,
      at: new Date(),
    });
    if (countChannel.hasSubscribers) {
      const integrationId = (await this.integrationOf(runId)) ?? 'unknown';
      countChannel.publish({
        integrationId,
        kind: safeKey(kind),
        outcome: safeKey(outcome),
        n: by,
      } satisfies RunCountFact);
    }
  }

  /** The run's integration: remembered from `start`, else read once (never fails the caller). */
  private async integrationOf(runId: string): Promise<string | undefined> {
    const known = this.integrations.get(runId);
    if (known) return known;
    try {
      const doc = await this.model.findById(runId, { integrationId: 1 }).lean();
      if (doc?.integrationId) this.remember(runId, doc.integrationId);
      return doc?.integrationId;
    } catch {
      return undefined;
    }
  }

  private remember(runId: string, integrationId: string) {
    this.integrations.delete(runId);
    this.integrations.set(runId, integrationId);
    if (this.integrations.size > KNOWN_RUNS) {
      const oldest = this.integrations.keys().next();
      if (!oldest.done) this.integrations.delete(oldest.value);
    }
  }

  /** Records an error with its reason (the first MAX_ERRORS per run are kept). */
  async addError(runId: string, error: Omit<RunError, 'at'>): Promise<void> {
    if ((await this.errors.countDocuments({ runId })) >= MAX_ERRORS) return;
    await this.errors.create({
      ...error,
      runId,
      reason: error.reason.slice(0, 1_000),
      at: new Date().toISOString(),
    });
  }

  async get(runId: string): Promise<RunView | undefined> {
    const doc = await this.model.findById(runId).lean();
    return doc ? this.toView(doc) : undefined;
  }

  async list(integrationId: string, limit = 20): Promise<RunView[]> {
    const docs = await this.model.find({ integrationId }).sort({ startedAt: -1 }).limit(limit).lean();
    return Promise.all(docs.map((doc) => this.toView(doc)));
  }

  private async toView(doc: RunDocument, now = new Date()): Promise<RunView> {
    // One accumulator per $group: FerretDB 1.x silently drops the second one.
    const totals = await this.counts.aggregate<{
      _id: { stage: CountStage | null; kind: string; outcome: string };
      n: number;
    }>([
      { $match: { runId: doc._id } },
      { $group: { _id: { stage: '$stage', kind: '$kind', outcome: '$outcome' }, n: { $sum: '$n' } } },
    ]);
    const [calls] = await this.counts.aggregate<{ _id: null; calls: number }>([
      { $match: { runId: doc._id } },
      { $group: { _id: null, calls: { $sum: '$huduCalls' } } },
    ]);
    const [latest] = await this.counts.find({ runId: doc._id }, { at: 1 }).sort({ at: -1 }).limit(1).lean();
    const counts: OutcomeCounts = {};
    const stages: Record<CountStage, OutcomeCounts> = { fetch: {}, match: {}, import: {} };
    for (const { _id, n } of totals) {
      const byKind = (counts[_id.kind] ??= {});
      byKind[_id.outcome] = (byKind[_id.outcome] ?? 0) + n;
      const stage = (stages[_id.stage ?? 'import'][_id.kind] ??= {});
      stage[_id.outcome] = (stage[_id.outcome] ?? 0) + n;
    }
    const progress = runProgress({
      stage: doc.stage,
      startedAt: new Date(doc.startedAt),
      ...(doc.fetchedAt ? { fetchFinishedAt: new Date(doc.fetchedAt) } : {}),
      ...(latest?.at ? { lastReportAt: new Date(latest.at) } : {}),
      counts: stages,
      now,
    });
    const errors = await this.errors.find({ runId: doc._id }).sort({ at: 1 }).limit(MAX_ERRORS).lean();
    // A run whose every emitted record was handled is complete; nobody has to say so (no single service
    // knows), so it is read from the counts. Its end is the last report (or the end of the fetch).
    const complete = doc.stage === 'importing' && progress.complete;
    const finishedAt = complete ? (latest?.at ?? doc.fetchedAt ?? doc.updatedAt) : doc.finishedAt;
    return {
      id: doc._id,
      integrationId: doc.integrationId,
      mode: doc.mode,
      stage: complete ? 'completed' : doc.stage,
      counts,
      stages,
      progress,
      huduCalls: calls?.calls ?? 0,
      errors: errors.map(({ at, service, kind, manageId, reason }) => ({
        at,
        service,
        reason,
        ...(kind ? { kind } : {}),
        ...(manageId !== undefined ? { manageId } : {}),
      })),
      startedAt: new Date(doc.startedAt).toISOString(),
      updatedAt: new Date(doc.updatedAt).toISOString(),
      ...(finishedAt ? { finishedAt: new Date(finishedAt).toISOString() } : {}),
    };
  }
}
