import type { DatabaseTime } from './database-time';
import type { RouteCount } from './stats';

/** The machine a result was measured on. */
export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  loadAverageAtStart: number;
}

export type CallsPhaseName = 'first-import' | 'no-change' | 'one-change' | 'one-percent-changed';

export interface PhaseCalls {
  phase: CallsPhaseName;
  /** Manage records changed before this phase. */
  changedRecords: number;
  durationMs: number;
  hudu: RouteCount[];
  manage: RouteCount[];
}

export interface CallsResult {
  size: string;
  /** Companies + assets Hudu should hold after the import (sample-data expectedHuduState). */
  recordsExpected: number;
  /** Companies + assets the first import added to Hudu (the product's run). */
  recordsCreated: { product: number; naive: number };
  product: PhaseCalls[];
  naive: PhaseCalls[];
  /** Differences between the product's Hudu and the expectation after the last phase (empty = identical). */
  productProblems: string[];
  /** Requests of the naive baseline that Hudu refused (it goes on, as scripts do). */
  naiveFailures: number;
}

export interface RateLimitedResult {
  size: string;
  limitPerMinute: number;
  windowMs: number;
  /** The integration's huduRequestsPerMinute (the budget the product keeps per key), for the reader. */
  clientBudgetPerMinute: number;
  durationMs: number;
  huduCalls: number;
  tooManyRequests: number;
  /** `calls ÷ limit` (the floor; meaningful for runs of many windows). */
  floorMs: number;
  ratioToFloor?: number;
  /** The least time under Hudu's fixed, epoch-aligned windows from the actual start (see stats). */
  fixedWindowFloorMs: number;
  recordsExpected: number;
  recordsLost: number;
  problems: string[];
  hudu: RouteCount[];
}

export interface ServiceMemory {
  service: string;
  peakRssMiB?: number;
}

export interface ThroughputResult {
  size: string;
  records: number;
  durationMs: number;
  recordsPerSecond?: number;
  huduCalls: number;
  /** Requests in flight at the Hudu simulator: the most at once and the time-weighted mean. */
  concurrency: { max: number; mean: number };
  floor: { concurrency: number; calls: number; durationMs: number; failures: number };
  ratioToFloor?: number;
  problems: string[];
  memory: ServiceMemory[];
  /** The most expensive database commands of all services during the import (their /metrics). */
  database?: DatabaseTime[];
  hudu: RouteCount[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  commit: string;
  machine: MachineDescription;
  notes: string[];
  /** Scenarios that did not finish, with the reason; what they measured before is kept. */
  failures: string[];
  calls?: CallsResult;
  rateLimited?: RateLimitedResult;
  throughput?: ThroughputResult;
}
