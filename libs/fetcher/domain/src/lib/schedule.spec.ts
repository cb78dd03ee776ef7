import {
  cappedWatermark,
  dailySlot,
  dueSlots,
  leaseStillHeld,
  leaseVerdict,
  minutesOfDay,
  nextRuns,
  periodicSlot,
  pollSlot,
  reconcileSlot,
  scheduledCommandVerdict,
  scheduledRunId,
  slotId,
} from './schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('periodic slots', () => {
  it('aligns slots to the epoch so every replica computes the same one', () => {
    const slot = periodicSlot('poll', 30, at('2026-12-03T10:00:47.250Z'));
    expect(iso(slot.slotAt)).toBe('2026-12-03T10:00:30.000Z');
    expect(iso(slot.nextAt)).toBe('2026-12-03T10:01:00.000Z');
  });

  it('a slot boundary belongs to the new slot', () => {
    const slot = pollSlot(60, at('2026-12-03T10:01:00.000Z'));
    expect(iso(slot.slotAt)).toBe('2026-12-03T10:01:00.000Z');
    expect(slot.kind).toBe('poll');
  });

  it('two moments in one period give the same slot; the next period a new one', () => {
    const a = pollSlot(10, at('2026-12-03T10:00:00.001Z'));
    const b = pollSlot(10, at('2026-12-03T10:00:09.999Z'));
    const c = pollSlot(10, at('2026-12-03T10:00:10.000Z'));
    expect(a).toEqual(b);
    expect(c.slotAt).toBe(a.nextAt);
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses a period of %p seconds', (period) => {
    expect(() => periodicSlot('poll', period, 0)).toThrow(RangeError);
  });
});

describe('daily slots (UTC)', () => {
  it('after the time of day: today at that time', () => {
    const slot = dailySlot('reconcile', '02:30', at('2026-12-03T10:00:00Z'));
    expect(iso(slot.slotAt)).toBe('2026-12-03T02:30:00.000Z');
    expect(iso(slot.nextAt)).toBe('2026-12-04T02:30:00.000Z');
  });

  it('before the time of day: yesterday at that time', () => {
    const slot = dailySlot('reconcile', '23:15', at('2026-12-03T10:00:00Z'));
    expect(iso(slot.slotAt)).toBe('2026-12-02T23:15:00.000Z');
    expect(iso(slot.nextAt)).toBe('2026-12-03T23:15:00.000Z');
  });

  it('exactly at the time of day: the slot starts now', () => {
    expect(iso(dailySlot('reconcile', '00:00', at('2026-12-03T00:00:00Z')).slotAt)).toBe(
      '2026-12-03T00:00:00.000Z',
    );
  });

  it.each(['24:00', '2:30', '12:60', 'noon', ''])('refuses %p', (time) => {
    expect(() => minutesOfDay(time)).toThrow(RangeError);
  });

  it('reads HH:MM as minutes after midnight', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('23:59')).toBe(23 * 60 + 59);
  });
});

describe('reconcile schedule', () => {
  it('every N seconds or daily', () => {
    const now = at('2026-12-03T10:07:00Z');
    expect(iso(reconcileSlot({ everySeconds: 3600 }, now).slotAt)).toBe('2026-12-03T10:00:00.000Z');
    expect(iso(reconcileSlot({ dailyAt: '02:00' }, now).slotAt)).toBe('2026-12-03T02:00:00.000Z');
  });
});

describe('due slots', () => {
  const schedule = { enabled: true, pollIntervalSeconds: 30, reconcile: { dailyAt: '02:00' } };
  const now = at('2026-12-03T10:00:47Z');

  it('nothing while continuous sync is off', () => {
    expect(dueSlots('acme', { ...schedule, enabled: false }, now)).toEqual([]);
  });

  it('the current reconcile (full) and poll (incremental) slots, with ids every replica shares', () => {
    const [reconcile, poll] = dueSlots('acme', schedule, now);
    expect(reconcile).toEqual({
      kind: 'reconcile',
      mode: 'full',
      slotAt: at('2026-12-03T02:00:00Z'),
      nextAt: at('2026-12-04T02:00:00Z'),
      id: 'acme:reconcile:2026-12-03T02:00:00.000Z',
      runId: `sched-acme-reconcile-${at('2026-12-03T02:00:00Z') / 1000}`,
    });
    expect(poll).toMatchObject({
      kind: 'poll',
      mode: 'incremental',
      id: 'acme:poll:2026-12-03T10:00:30.000Z',
    });
    expect(dueSlots('acme', schedule, now + 1_000)).toEqual(dueSlots('acme', schedule, now));
  });

  it('slot and run ids differ per integration, kind and slot', () => {
    expect(slotId('a', 'poll', 0)).not.toBe(slotId('b', 'poll', 0));
    expect(slotId('a', 'poll', 0)).not.toBe(slotId('a', 'reconcile', 0));
    expect(scheduledRunId('a', 'poll', 0)).not.toBe(scheduledRunId('a', 'poll', 30_000));
    expect(scheduledRunId('my-msp', 'poll', 30_000)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('next poll and reconcile for the admin view', () => {
    expect(nextRuns({ ...schedule, enabled: false }, now)).toEqual({});
    expect(nextRuns(schedule, now)).toEqual({
      nextPollAt: at('2026-12-03T10:01:00Z'),
      nextReconcileAt: at('2026-12-04T02:00:00Z'),
    });
  });
});

describe('scheduled command verdict', () => {
  it('skips everything once continuous sync is off', () => {
    expect(scheduledCommandVerdict({ kind: 'reconcile', enabled: false, laterSlotExists: false })).toEqual({
      action: 'skip',
      reason: 'continuous sync is off',
    });
  });

  it('a poll with a later poll queued behind it is superseded', () => {
    expect(scheduledCommandVerdict({ kind: 'poll', enabled: true, laterSlotExists: true })).toEqual({
      action: 'skip',
      reason: 'superseded by a later poll',
    });
    expect(scheduledCommandVerdict({ kind: 'poll', enabled: true, laterSlotExists: false })).toEqual({
      action: 'run',
    });
  });

  it('a reconcile always runs', () => {
    expect(scheduledCommandVerdict({ kind: 'reconcile', enabled: true, laterSlotExists: true })).toEqual({
      action: 'run',
    });
  });
});

describe('capped watermark', () => {
  const walkStartedAt = at('2026-12-03T10:00:00Z');

  it('advances to the newest stamp read when it is before the walk started', () => {
    expect(cappedWatermark('2026-12-03T09:59:00Z', walkStartedAt, '2026-12-03T09:00:00Z')).toBe(
      '2026-12-03T09:59:00Z',
    );
  });

  it('never past the start of the walk (a record changed during it is read again next time)', () => {
    expect(cappedWatermark('2026-12-03T10:05:00Z', walkStartedAt, undefined)).toBe(
      '2026-12-03T10:00:00.000Z',
    );
  });

  it('keeps the previous watermark when nothing (or nothing newer) was read', () => {
    expect(cappedWatermark(undefined, walkStartedAt, '2026-12-03T09:00:00Z')).toBe('2026-12-03T09:00:00Z');
    expect(cappedWatermark('garbage', walkStartedAt, '2026-12-03T09:00:00Z')).toBe('2026-12-03T09:00:00Z');
    expect(cappedWatermark('2026-12-03T08:00:00Z', walkStartedAt, '2026-12-03T09:00:00Z')).toBe(
      '2026-12-03T09:00:00Z',
    );
    expect(cappedWatermark(undefined, walkStartedAt, undefined)).toBeUndefined();
  });
});

describe('run lease', () => {
  const now = 1_000_000;

  it('the first run takes epoch 1', () => {
    expect(leaseVerdict(undefined, now)).toEqual({ action: 'acquire', epoch: 1 });
  });

  it('a released or expired lease is taken with the next epoch', () => {
    expect(leaseVerdict({ epoch: 4, holder: 'a', expiresAt: now + 5_000, releasedAt: now - 1 }, now)).toEqual(
      {
        action: 'acquire',
        epoch: 5,
      },
    );
    expect(leaseVerdict({ epoch: 4, holder: 'a', expiresAt: now }, now)).toEqual({
      action: 'acquire',
      epoch: 5,
    });
  });

  it('a live lease of another holder means wait', () => {
    expect(leaseVerdict({ epoch: 4, holder: 'a', expiresAt: now + 1 }, now)).toEqual({
      action: 'wait',
      holder: 'a',
      expiresAt: now + 1,
    });
  });

  it('a holder goes on only while nobody took over and its lease has not (nearly) run out', () => {
    const held = { expiresAt: now + 10_000, successorExists: false, now, marginMs: 2_000 };
    expect(leaseStillHeld(held)).toBe(true);
    expect(leaseStillHeld({ ...held, successorExists: true })).toBe(false);
    expect(leaseStillHeld({ ...held, now: now + 8_000 })).toBe(false);
    expect(leaseStillHeld({ ...held, now: now + 7_999 })).toBe(true);
  });
});
