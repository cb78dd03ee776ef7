import type { RecordKind } from '@cw-hudu-sync/contracts';
import type { RecordDecision } from './change-detection';

/** What happened to the records of one run, per kind: the counts FetchCompleted and the run status show. */
export type FetchOutcome = 'read' | 'fetched' | 'unchanged' | 'removed' | 'skipped' | 'invalid';

const outcomeOf: Record<RecordDecision<unknown>['action'], Exclude<FetchOutcome, 'read'>> = {
  emit: 'fetched',
  remove: 'removed',
  unchanged: 'unchanged',
  skip: 'skipped',
  reject: 'invalid',
};

export interface DiscoveredType {
  id: number;
  name: string;
  count: number;
}

/**
 * Counts of one run (small: kinds × outcomes, and one entry per configuration type), kept while the
 * records themselves stream through page by page.
 */
export class FetchTally {
  private readonly counts = new Map<string, number>();
  private readonly types = new Map<number, DiscoveredType>();

  /** Counts a decision (and the record as read). */
  record(kind: RecordKind, decision: Pick<RecordDecision<unknown>, 'action'>): void {
    this.add(kind, 'read');
    this.add(kind, outcomeOf[decision.action]);
  }

  /** Counts records reported missing on a full run. */
  removedMissing(kind: RecordKind, n: number): void {
    this.add(kind, 'removed', n);
  }

  add(kind: RecordKind, outcome: FetchOutcome, n = 1): void {
    if (n <= 0) return;
    const key = `${kind}.${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(kind: RecordKind, outcome: FetchOutcome): number {
    return this.counts.get(`${kind}.${outcome}`) ?? 0;
  }

  /** Registers the configuration types Manage lists (so unused ones show with 0). */
  knownType(id: number, name: string): void {
    const known = this.types.get(id);
    this.types.set(id, { id, name, count: known?.count ?? 0 });
  }

  /** Counts one configuration read of a type (skipped types included: the admin chooses from these). */
  configurationOfType(id: number, name: string): void {
    const known = this.types.get(id);
    this.types.set(id, { id, name: known?.name || name, count: (known?.count ?? 0) + 1 });
  }

  /** `kind.outcome` → n, for FetchCompleted. */
  toCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The configuration types by id, names bounded as the contract requires. */
  configurationTypes(): DiscoveredType[] {
    return [...this.types.values()]
      .sort((a, b) => a.id - b.id)
      .map((type) => ({ ...type, name: type.name.slice(0, 200) }));
  }
}

/**
 * The next incremental watermark: the latest Manage `lastUpdated` stamp seen, never moving backwards.
 * Manage's own stamps are used (not the fetcher's clock), so clock skew between the two does not matter.
 */
export function nextWatermark(
  previous: string | undefined,
  stamps: Iterable<string | undefined>,
): string | undefined {
  let latest = previous;
  let latestMs = previous === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous);
  if (Number.isNaN(latestMs)) {
    latest = undefined;
    latestMs = Number.NEGATIVE_INFINITY;
  }
  for (const stamp of stamps) {
    if (stamp === undefined) continue;
    const ms = Date.parse(stamp);
    if (!Number.isNaN(ms) && ms > latestMs) {
      latest = stamp;
      latestMs = ms;
    }
  }
  return latest;
}
