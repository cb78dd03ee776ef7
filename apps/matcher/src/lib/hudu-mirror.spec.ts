import type { HuduCompanyForMatching } from '@cw-hudu-sync/matching';
import { HuduMirror } from './hudu-mirror';

function setup(maxAgeMs = 1_000) {
  let clock = 0;
  const loads: string[] = [];
  let companies: HuduCompanyForMatching[] = [{ id: 1, name: 'Acme' }];
  let release: (() => void) | undefined;
  let hold = false;
  const mirror = new HuduMirror({
    maxAgeMs,
    now: () => clock,
    load: async (integrationId) => {
      loads.push(integrationId);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return companies;
    },
  });
  return {
    mirror,
    loads,
    tick: (ms: number) => (clock += ms),
    setCompanies: (next: HuduCompanyForMatching[]) => (companies = next),
    holdLoads: () => (hold = true),
    release: () => release?.(),
  };
}

describe('HuduMirror', () => {
  it('loads once, reuses while fresh, loads again when older than the max age', async () => {
    const t = setup();
    const first = await t.mirror.get('a');
    expect(first.index.get(1)?.company.name).toBe('Acme');
    t.tick(999);
    expect(await t.mirror.get('a')).toBe(first);
    t.tick(1);
    t.setCompanies([{ id: 2, name: 'Globex' }]);
    const second = await t.mirror.get('a');
    expect(second.index.get(2)?.company.name).toBe('Globex');
    expect(t.loads).toEqual(['a', 'a']);
  });

  it('keeps integrations apart', async () => {
    const t = setup();
    await t.mirror.get('a');
    await t.mirror.get('b');
    await t.mirror.get('a');
    expect(t.loads).toEqual(['a', 'b']);
  });

  it('loads again on refresh and after invalidate', async () => {
    const t = setup();
    await t.mirror.get('a');
    await t.mirror.get('a', { refresh: true });
    t.mirror.invalidate('a');
    await t.mirror.get('a');
    await t.mirror.get('a');
    expect(t.loads).toEqual(['a', 'a', 'a']);
  });

  it('shares one load between concurrent callers', async () => {
    const t = setup();
    t.holdLoads();
    const both = Promise.all([t.mirror.get('a'), t.mirror.get('a', { refresh: true })]);
    await new Promise((r) => setImmediate(r));
    t.release();
    const [x, y] = await both;
    expect(x).toBe(y);
    expect(t.loads).toEqual(['a']);
  });

  it('keeps nothing from a failed load and tries again next time', async () => {
    let fail = true;
    const mirror = new HuduMirror({
      maxAgeMs: 1_000,
      load: async () => {
        if (fail) throw new Error('Hudu down');
        return [{ id: 1, name: 'Acme' }];
      },
    });
    await expect(mirror.get('a')).rejects.toThrow('Hudu down');
    fail = false;
    expect((await mirror.get('a')).companies).toHaveLength(1);
  });
});
