import { CountTally, roundsByKey, runChains } from './batching';

describe('roundsByKey', () => {
  it('keeps distinct records in one round, in batch order', () => {
    expect(roundsByKey(['a', 'b', 'c'])).toEqual([[0, 1, 2]]);
  });

  it('puts the second occurrence of a record in the next round, and the third in the one after', () => {
    expect(roundsByKey(['a', 'b', 'a', 'c', 'a', 'b'])).toEqual([[0, 1, 3], [2, 5], [4]]);
  });

  it('gives no round for an empty batch', () => {
    expect(roundsByKey([])).toEqual([]);
  });
});

describe('CountTally', () => {
  it('adds counts and Hudu calls per kind and outcome', () => {
    const tally = new CountTally();
    tally.add('configuration', 'created', 1, 2);
    tally.add('contact', 'parked');
    tally.add('configuration', 'created', 3, 1);
    tally.add('configuration', 'unchanged', 5);
    expect(tally.entries()).toEqual([
      { kind: 'configuration', outcome: 'created', n: 4, huduCalls: 3 },
      { kind: 'contact', outcome: 'parked', n: 1, huduCalls: 0 },
      { kind: 'configuration', outcome: 'unchanged', n: 5, huduCalls: 0 },
    ]);
  });

  it('is empty before anything is added', () => {
    expect(new CountTally().entries()).toEqual([]);
  });
});

describe('runChains', () => {
  const tick = () => new Promise((r) => setTimeout(r, 1));

  it('runs one chain in order and chains side by side within the limit', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3', 'd1'];
    await runChains(
      items,
      (item) => item[0]!,
      2,
      async (item) => {
        running += 1;
        peak = Math.max(peak, running);
        log.push(`start ${item}`);
        await tick();
        log.push(`end ${item}`);
        running -= 1;
      },
    );
    expect(peak).toBe(2);
    expect(log.filter((l) => l.includes(' b'))).toEqual(['start b1', 'end b1', 'start b2', 'end b2']);
    const a = log.filter((l) => l.includes(' a'));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(log.filter((l) => l.startsWith('end'))).toHaveLength(items.length);
  });

  it('does nothing for no items', async () => {
    const seen: number[] = [];
    await runChains(
      [],
      () => 'k',
      4,
      async (n: number) => void seen.push(n),
    );
    expect(seen).toEqual([]);
  });

  it('passes a rejection on', async () => {
    await expect(
      runChains([1, 2], String, 2, async (n) => {
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
