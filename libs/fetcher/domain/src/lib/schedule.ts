/**
 * Continuous sync, the pure half: when the incremental poll and the full reconcile of an integration fall
 * due, the deterministic slot every fetcher replica computes for "now" (so that exactly one replica's
 * claim of it wins), whether a queued scheduled command is still worth running, and the lease that keeps
 * one run per integration at a time. Times are epoch milliseconds; daily times are UTC.
 */

export type ScheduleKind = 'poll' | 'reconcile';

/** How the full reconcile is scheduled: every N seconds, or daily at `HH:MM` UTC. */
export type ReconcileSchedule = { everySeconds: number } | { dailyAt: string };

/** The continuous-sync settings of one integration (validated by the integrations library). */
export interface ContinuousSchedule {
  enabled: boolean;
  pollIntervalSeconds: number;
  reconcile: ReconcileSchedule;
}

export interface Slot {
  kind: ScheduleKind;
  /** When this slot fell due (≤ now). */
  slotAt: number;
  /** When the next slot of this kind falls due (> now). */
  nextAt: number;
}

export interface ScheduledSlot extends Slot {
  /** Same in every replica: `<integration>:<kind>:<slotAt ISO>`. */
  id: string;
  /** The run the slot starts: `sched-<integration>-<kind>-<slotAt seconds>` (a valid run id). */
  runId: string;
  mode: 'full' | 'incremental';
}

const DAY_MS = 86_400_000;

/** The slot of a fixed period that contains `now`: periods are aligned to the epoch, so every replica agrees. */
export function periodicSlot(kind: ScheduleKind, periodSeconds: number, now: number): Slot {
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0)
    throw new RangeError(`period must be a positive whole number of seconds: ${periodSeconds}`);
  const periodMs = periodSeconds * 1000;
  const slotAt = Math.floor(now / periodMs) * periodMs;
  return { kind, slotAt, nextAt: slotAt + periodMs };
}

/** Minutes after midnight UTC of `HH:MM`. */
export function minutesOfDay(dailyAt: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(dailyAt);
  if (!match) throw new RangeError(`not a HH:MM time: ${dailyAt}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The latest daily `HH:MM` UTC at or before `now`, and the one after it. */
export function dailySlot(kind: ScheduleKind, dailyAt: string, now: number): Slot {
  const offset = minutesOfDay(dailyAt) * 60_000;
  const todayAt = Math.floor(now / DAY_MS) * DAY_MS + offset;
  const slotAt = todayAt <= now ? todayAt : todayAt - DAY_MS;
  return { kind, slotAt, nextAt: slotAt + DAY_MS };
}

export function reconcileSlot(schedule: ReconcileSchedule, now: number): Slot {
  return 'everySeconds' in schedule
    ? periodicSlot('reconcile', schedule.everySeconds, now)
    : dailySlot('reconcile', schedule.dailyAt, now);
}

export function pollSlot(pollIntervalSeconds: number, now: number): Slot {
  return periodicSlot('poll', pollIntervalSeconds, now);
}

export function slotId(integrationId: string, kind: ScheduleKind, slotAt: number): string {
  return `${integrationId}:${kind}:${new Date(slotAt).toISOString()}`;
}

export function scheduledRunId(integrationId: string, kind: ScheduleKind, slotAt: number): string {
  return `sched-${integrationId}-${kind}-${Math.floor(slotAt / 1000)}`;
}

function scheduled(integrationId: string, slot: Slot): ScheduledSlot {
  return {
    ...slot,
    id: slotId(integrationId, slot.kind, slot.slotAt),
    runId: scheduledRunId(integrationId, slot.kind, slot.slotAt),
    mode: slot.kind === 'reconcile' ? 'full' : 'incremental',
  };
}

/**
 * The slots due now for one integration: the current poll slot and the current reconcile slot (none when
 * continuous sync is off). Missed slots are not caught up one by one: only the current slot of each kind
 * is due, and a slot already claimed is not emitted again (the claim is the dedup), so a replica that was
 * down for hours emits one poll and at most one reconcile when it comes back. A daily reconcile whose time
 * of day has passed when continuous sync is switched on runs at once: that first full run also lays down
 * the snapshots and watermarks the polls start from.
 */
export function dueSlots(integrationId: string, schedule: ContinuousSchedule, now: number): ScheduledSlot[] {
  if (!schedule.enabled) return [];
  return [
    scheduled(integrationId, reconcileSlot(schedule.reconcile, now)),
    scheduled(integrationId, pollSlot(schedule.pollIntervalSeconds, now)),
  ];
}

/** What the admin sees: when the next poll and the next reconcile fall due (undefined while off). */
export function nextRuns(
  schedule: ContinuousSchedule,
  now: number,
): { nextPollAt?: number; nextReconcileAt?: number } {
  if (!schedule.enabled) return {};
  return {
    nextPollAt: pollSlot(schedule.pollIntervalSeconds, now).nextAt,
    nextReconcileAt: reconcileSlot(schedule.reconcile, now).nextAt,
  };
}

export type ScheduledCommandVerdict =
  { action: 'run' } | { action: 'skip'; reason: 'continuous sync is off' | 'superseded by a later poll' };

/**
 * A scheduled SyncRequested, when its turn comes: skipped when continuous sync was switched off since, or,
 * for a poll, when a later poll slot was already emitted (it is queued behind this one on the same
 * partition and covers everything this one would read), so a backlog of polls collapses into one run.
 * A reconcile always runs: it is the one that catches what polling misses.
 */
export function scheduledCommandVerdict(input: {
  kind: ScheduleKind;
  enabled: boolean;
  laterSlotExists: boolean;
}): ScheduledCommandVerdict {
  if (!input.enabled) return { action: 'skip', reason: 'continuous sync is off' };
  if (input.kind === 'poll' && input.laterSlotExists)
    return { action: 'skip', reason: 'superseded by a later poll' };
  return { action: 'run' };
}

/**
 * The watermark an incremental fetch may advance to: the newest `lastUpdated` it read, but never past the
 * moment it started reading that kind. Pages come in id order, so a record changed during the walk, after
 * its page was read, has a stamp after the walk's start: capping there makes the next poll read it again
 * (the overlap absorbs the clock difference between the fetcher and Manage).
 */
export function cappedWatermark(
  latestRead: string | undefined,
  walkStartedAt: number,
  previous: string | undefined,
): string | undefined {
  if (latestRead === undefined) return previous;
  const readMs = Date.parse(latestRead);
  if (Number.isNaN(readMs)) return previous;
  const candidate = readMs <= walkStartedAt ? latestRead : new Date(walkStartedAt).toISOString();
  if (previous !== undefined) {
    const previousMs = Date.parse(previous);
    // never move backwards
    if (!Number.isNaN(previousMs) && Date.parse(candidate) <= previousMs) return previous;
  }
  return candidate;
}

// ---- the run lease: one run per integration at a time ----

/** One epoch of an integration's run lease (insert-only: a new holder inserts the next epoch). */
export interface RunLease {
  epoch: number;
  holder: string;
  expiresAt: number;
  releasedAt?: number;
}

export type LeaseVerdict =
  { action: 'acquire'; epoch: number } | { action: 'wait'; holder: string; expiresAt: number };

/**
 * Whether a run may start: the latest epoch released or expired → insert the next epoch (the unique id
 * lets one contender win); otherwise another holder is running → wait for it to release or expire.
 */
export function leaseVerdict(latest: RunLease | undefined, now: number): LeaseVerdict {
  if (latest === undefined) return { action: 'acquire', epoch: 1 };
  if (latest.releasedAt !== undefined || latest.expiresAt <= now)
    return { action: 'acquire', epoch: latest.epoch + 1 };
  return { action: 'wait', holder: latest.holder, expiresAt: latest.expiresAt };
}

/**
 * Whether a holder may go on: nobody took the next epoch, and its lease has not run out (with a safety
 * margin for clock differences between replicas). A holder that may not go on stops its run at once; the
 * run is resumed by whoever holds the lease next (runs are idempotent).
 */
export function leaseStillHeld(input: {
  expiresAt: number;
  successorExists: boolean;
  now: number;
  marginMs: number;
}): boolean {
  return !input.successorExists && input.now < input.expiresAt - input.marginMs;
}
