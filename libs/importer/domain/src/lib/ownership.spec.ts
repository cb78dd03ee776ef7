import { changedSinceLastWrite, planUpdate } from './ownership';
import { hashFields } from './values';

describe('planUpdate', () => {
  const last = { name: 'A', 'custom:notes': 'n1', 'custom:ip': '10.0.0.1', 'custom:os': null };

  it('is unchanged when the mapped content has the last write hash (no Hudu read needed)', () => {
    expect(planUpdate({ lastPushed: last, lastPushedHash: hashFields(last), next: { ...last } })).toEqual({
      kind: 'unchanged',
      hash: hashFields(last),
      reason: 'same-hash',
    });
  });

  it('writes only the changed field', () => {
    const plan = planUpdate({
      lastPushed: last,
      lastPushedHash: hashFields(last),
      next: { ...last, 'custom:ip': '10.0.0.2' },
    });
    expect(plan).toMatchObject({ kind: 'update', set: { 'custom:ip': '10.0.0.2' } });
  });

  it('never overwrites a Hudu value with an empty one Manage never had', () => {
    const plan = planUpdate({
      lastPushed: last,
      next: { ...last, 'custom:os': null },
      current: { ...last, 'custom:os': 'typed in Hudu' },
    });
    expect(plan.kind).toBe('unchanged');
  });

  it('never clears on first sight (no last write)', () => {
    const plan = planUpdate({
      next: { name: 'A', 'custom:notes': null },
      current: { name: 'A', 'custom:notes': 'kept' },
    });
    expect(plan.kind).toBe('unchanged');
  });

  it('clears a value Manage cleared after sending it', () => {
    const plan = planUpdate({
      lastPushed: last,
      next: { ...last, 'custom:notes': null },
      current: { ...last },
    });
    expect(plan).toMatchObject({ kind: 'update', set: { 'custom:notes': null } });
  });

  it('does not clear what Hudu already has empty', () => {
    const plan = planUpdate({
      lastPushed: last,
      next: { ...last, 'custom:notes': '' },
      current: { ...last, 'custom:notes': null },
    });
    expect(plan.kind).toBe('unchanged');
  });

  it('clears against the last write when Hudu was not read', () => {
    const plan = planUpdate({ lastPushed: last, next: { ...last, 'custom:notes': null } });
    expect(plan).toMatchObject({ kind: 'update', set: { 'custom:notes': null } });
  });

  it('restores a value someone changed in Hudu when Manage content changed', () => {
    const plan = planUpdate({
      lastPushed: last,
      next: { ...last, 'custom:ip': '10.0.0.9' },
      current: { ...last, name: 'Renamed in Hudu' },
    });
    expect(plan).toMatchObject({ kind: 'update', set: { name: 'A', 'custom:ip': '10.0.0.9' } });
  });

  it('is unchanged when Hudu already holds the new values', () => {
    const next = { ...last, 'custom:ip': '10.0.0.2' };
    expect(planUpdate({ lastPushed: last, next, current: { ...next } })).toMatchObject({
      kind: 'unchanged',
      reason: 'same-values',
    });
  });

  it('honours an equivalence (a clash-rule name)', () => {
    const plan = planUpdate({
      next: { name: 'Acme' },
      current: { name: 'Acme (A1)' },
      equivalent: (field, now) => field === 'name' && now === 'Acme (A1)',
    });
    expect(plan.kind).toBe('unchanged');
  });

  it('compares strings trimmed and booleans strictly', () => {
    expect(planUpdate({ next: { a: 'x', b: false }, current: { a: ' x ', b: false } }).kind).toBe(
      'unchanged',
    );
    expect(planUpdate({ next: { b: true }, current: { b: false } })).toMatchObject({ set: { b: true } });
  });
});

describe('changedSinceLastWrite', () => {
  it('is true without a last write, and after a change', () => {
    expect(changedSinceLastWrite({ a: '1' }, undefined)).toBe(true);
    expect(changedSinceLastWrite({ a: '1' }, hashFields({ a: '1' }))).toBe(false);
    expect(changedSinceLastWrite({ a: '2' }, hashFields({ a: '1' }))).toBe(true);
  });
});
