/**
 * Cuts a batch of record events into rounds so that no record appears twice in one round: the n-th
 * occurrence of a record goes to round n. Rounds run one after the other, records within a round side by
 * side, so a record changed twice in one batch is applied in order (its later version never races the
 * earlier one, and the ownership rule sees each version it was sent).
 * Returns the indexes of `keys` per round, each round in batch order.
 */
export function roundsByKey(keys: readonly string[]): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}

/**
 * Adds up run counts by kind and outcome, so a batch reports one count per kind and outcome instead of
 * one per record (counts are insert-only documents; fewer inserts, same totals).
 */
export class CountTally {
  private readonly totals = new Map<
    string,
    { kind: string; outcome: string; n: number; huduCalls: number }
  >();

  add(kind: string, outcome: string, n = 1, huduCalls = 0): void {
    const key = `${kind}\u0000${outcome}`;
    const entry = this.totals.get(key) ?? { kind, outcome, n: 0, huduCalls: 0 };
    entry.n += n;
    entry.huduCalls += huduCalls;
    this.totals.set(key, entry);
  }

  /** The sums, in the order kinds/outcomes were first seen. */
  entries(): { kind: string; outcome: string; n: number; huduCalls: number }[] {
    return [...this.totals.values()].map((e) => ({ ...e }));
  }
}

/**
 * Runs `work` over items grouped in chains: items of one chain (same `keyOf`) one after the other, in
 * order; chains side by side, at most `limit` at a time. Resolves when every chain is done; `work` is
 * expected to handle its own failures (a rejection stops that chain's worker and is re-thrown at the end).
 */
export async function runChains<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const chains = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const chain = chains.get(key);
    if (chain) chain.push(item);
    else chains.set(key, [item]);
  }
  const queue = [...chains.values()];
  let next = 0;
  const worker = async () => {
    for (let chain = queue[next++]; chain; chain = queue[next++]) {
      for (const item of chain) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
}
