import { chunkBySize, messageSize } from './publisher';

describe('chunkBySize', () => {
  const size = (n: number) => n;

  it('keeps everything in one chunk when it fits', () => {
    expect(chunkBySize([1, 2, 3], size, 6)).toEqual([[1, 2, 3]]);
  });

  it('cuts before the item that would overflow, keeping the order', () => {
    expect(chunkBySize([4, 3, 2, 5, 1], size, 7)).toEqual([[4, 3], [2, 5], [1]]);
  });

  it('sends an item larger than the limit alone rather than dropping it', () => {
    expect(chunkBySize([1, 10, 1], size, 5)).toEqual([[1], [10], [1]]);
  });

  it('returns no chunk for no item', () => {
    expect(chunkBySize([], size, 5)).toEqual([]);
  });
});

describe('messageSize', () => {
  it('counts value, key and headers, plus overhead per record', () => {
    const small = messageSize({ key: 'a', value: Buffer.alloc(10), headers: {} });
    const big = messageSize({ key: 'a', value: Buffer.alloc(1_000), headers: { 'x-h': 'v'.repeat(100) } });
    expect(small).toBeGreaterThan(10);
    expect(big - small).toBeGreaterThanOrEqual(990 + 100);
  });
});
