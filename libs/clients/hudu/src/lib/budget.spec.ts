import { RequestBudget, resetSharedBudgets, sharedBudget } from './budget';

describe('RequestBudget', () => {
  let clock: number;
  const budget = (perWindow: number, windowMs: number) =>
    new RequestBudget({ perWindow, windowMs }, () => clock);

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1_000_000 * 60_000 + 30_000; // half-way through a minute window
  });
  afterEach(() => jest.useRealTimers());

  /** Advances the clock and fires due timers, step by step. */
  async function advance(ms: number) {
    clock += ms;
    jest.advanceTimersByTime(ms);
    await Promise.resolve();
    await Promise.resolve();
  }

  it('lets perWindow calls through at once and holds the rest until the next epoch-aligned window', async () => {
    const b = budget(3, 60_000);
    const granted: number[] = [];
    const calls = Array.from({ length: 5 }, (_, i) => b.take().then((waited) => granted.push(i) && waited));
    await advance(0);
    expect(granted).toEqual([0, 1, 2]);
    await advance(29_999);
    expect(granted).toEqual([0, 1, 2]);
    await advance(1);
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    const waited = await Promise.all(calls);
    expect(waited).toEqual([0, 0, 0, 30_000, 30_000]);
    expect(b.stats()).toEqual({ granted: 5, waited: 2, waitedMs: 60_000 });
  });

  it('serves waiting calls in order across several windows', async () => {
    const b = budget(1, 1_000);
    const order: number[] = [];
    const all = Promise.all(Array.from({ length: 4 }, (_, i) => b.take().then(() => order.push(i))));
    for (let i = 0; i < 4; i++) await advance(1_000);
    await all;
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('pauses the whole key until a given time (after a 429)', async () => {
    const b = budget(100, 60_000);
    b.pauseUntil(clock + 5_000);
    let done = false;
    const call = b.take().then(() => (done = true));
    await advance(4_999);
    expect(done).toBe(false);
    await advance(1);
    await call;
    expect(done).toBe(true);
  });

  it('takes a raised limit at once, for calls already waiting, without forgetting what the window used', async () => {
    const b = budget(2, 60_000);
    const granted: number[] = [];
    for (let i = 0; i < 5; i++) void b.take().then(() => granted.push(i));
    await advance(0);
    expect(granted).toEqual([0, 1]);
    b.reconfigure({ perWindow: 4, windowMs: 60_000 });
    await advance(0);
    expect(granted).toEqual([0, 1, 2, 3]);
    b.reconfigure({ perWindow: 1, windowMs: 60_000 }); // lowered below what this window used: wait for the next
    await advance(29_999);
    expect(granted).toEqual([0, 1, 2, 3]);
    await advance(1);
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    expect(() => b.reconfigure({ perWindow: 0, windowMs: 60_000 })).toThrow(/perWindow/);
  });

  it('refuses settings that could never let a call through', () => {
    expect(() => budget(0, 1_000)).toThrow(/perWindow/);
    expect(() => budget(1, 0)).toThrow(/windowMs/);
  });
});

describe('sharedBudget', () => {
  afterEach(() => resetSharedBudgets());

  it('is one budget per instance and key; a caller naming a limit sets it, one naming none keeps it', () => {
    const a = sharedBudget('https://a.example', 'key-1', { perWindow: 10, windowMs: 60_000 });
    expect(sharedBudget('https://a.example', 'key-2', { perWindow: 10, windowMs: 60_000 })).not.toBe(a);
    expect(sharedBudget('https://b.example', 'key-1', { perWindow: 10, windowMs: 60_000 })).not.toBe(a);
    expect(sharedBudget('https://a.example', 'key-1')).toBe(a);
    expect(a.settings).toEqual({ perWindow: 10, windowMs: 60_000 });
    expect(sharedBudget('https://a.example', 'key-1', { perWindow: 1_200, windowMs: 60_000 })).toBe(a);
    expect(a.settings).toEqual({ perWindow: 1_200, windowMs: 60_000 });
  });

  it("defaults to Hudu Cloud's 300 a minute", () => {
    expect(sharedBudget('https://c.example', 'key-1').settings).toEqual({ perWindow: 300, windowMs: 60_000 });
  });
});
