import { createEvent, decodeEvent, encodeEvent, InvalidEventError, topicOf, validateEvent } from './validate';
import { EVENT_CATALOGUE, latestVersion } from './events';
import { TOPICS } from './topics';

const context = { integrationId: 'acme-msp', runId: 'run-1' };

describe('event contracts', () => {
  it('creates a valid envelope with id, version and time, applying payload defaults', () => {
    const event = createEvent('SyncRequested', context, { mode: 'full', requestedBy: 'admin' });
    expect(event).toMatchObject({
      type: 'SyncRequested',
      schemaVersion: 1,
      integrationId: 'acme-msp',
      runId: 'run-1',
      payload: { mode: 'full', force: false, requestedBy: 'admin' },
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.occurredAt)).not.toBeNaN();
  });

  it('round-trips through bytes', () => {
    const event = createEvent('CompanyFetched', context, {
      manageId: 19300,
      contentHash: 'a'.repeat(64),
      company: {
        id: 19300,
        identifier: 'SmithJones',
        name: 'Smith & Jones',
        inactive: false,
        deleted: false,
      },
    });
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('routes every event type to a topic from TOPICS', () => {
    for (const type of Object.keys(EVENT_CATALOGUE) as (keyof typeof EVENT_CATALOGUE)[]) {
      expect(Object.values(TOPICS)).toContain(topicOf({ type, schemaVersion: latestVersion(type) }));
    }
  });

  it.each([
    ['empty bytes', Buffer.alloc(0), 'empty message'],
    ['not JSON', Buffer.from('{nope'), 'not valid JSON'],
    ['missing eventId', Buffer.from(JSON.stringify({ type: 'SyncRequested' })), 'envelope eventId'],
  ])('rejects %s with a reason', (_name, bytes, reason) => {
    expect(() => decodeEvent(bytes)).toThrow(InvalidEventError);
    expect(() => decodeEvent(bytes)).toThrow(reason);
  });

  it('rejects an unknown type or version', () => {
    const event = createEvent('SyncRequested', context, { mode: 'full', requestedBy: 'x' });
    expect(() => validateEvent({ ...event, type: 'Nope' })).toThrow('unknown event type/version Nope v1');
    expect(() => validateEvent({ ...event, schemaVersion: 99 })).toThrow('SyncRequested v99');
  });

  it('rejects a payload that breaks its schema, naming the field', () => {
    const event = createEvent('SyncRequested', context, { mode: 'full', requestedBy: 'x' });
    expect(() => validateEvent({ ...event, payload: { mode: 'sideways', requestedBy: 'x' } })).toThrow(
      /SyncRequested v1 payload mode/,
    );
  });

  it('rejects hostile integration ids and bounds the reason length', () => {
    const event = createEvent('SyncRequested', context, { mode: 'full', requestedBy: 'x' });
    expect(() => validateEvent({ ...event, integrationId: '../../etc' })).toThrow(/integrationId/);
    const hostile = { ...event, payload: { mode: 'x'.repeat(10_000), requestedBy: 'y'.repeat(10_000) } };
    expect(() => validateEvent(hostile)).toThrow(InvalidEventError);
    try {
      validateEvent(hostile);
    } catch (e) {
      expect((e as InvalidEventError).reason.length).toBeLessThan(1000);
    }
  });

  it('keeps unknown payload fields (additive changes need no new version)', () => {
    const event = createEvent('SyncRequested', context, { mode: 'incremental', requestedBy: 'x' });
    const parsed = validateEvent({ ...event, payload: { ...event.payload, addedLater: 1 } });
    expect(parsed.payload['addedLater']).toBe(1);
  });

  it('rejects a hostile 10 MB field with a reason instead of carrying it', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    expect(() =>
      createEvent('CompanyFetched', context, {
        manageId: 1,
        contentHash: 'a'.repeat(64),
        company: { id: 1, identifier: 'A', name: huge, inactive: false, deleted: false },
      }),
    ).toThrow(/company\.name/);
  });

  it('requires a link decision to name the Hudu company', () => {
    const company = { id: 1, identifier: 'A', name: 'A', inactive: false, deleted: false };
    const base = { manageCompanyId: 1, company, contentHash: 'b'.repeat(64), decidedBy: 'admin:x' };
    expect(() => createEvent('CompanyMatched', context, { ...base, decision: 'link' })).toThrow(
      /huduCompanyId/,
    );
    expect(
      createEvent('CompanyMatched', context, { ...base, decision: 'link', huduCompanyId: 5 }).payload,
    ).toMatchObject({
      decision: 'link',
      huduCompanyId: 5,
    });
    expect(createEvent('CompanyMatched', context, { ...base, decision: 'create' }).payload['decision']).toBe(
      'create',
    );
  });
});
