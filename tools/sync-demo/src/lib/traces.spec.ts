import { isCompleteJourney, recordJourneys, type ReceivedSpan, spansFromOtlpJson } from './traces';

const kv = (key: string, value: string | number) => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
});

function otlp(
  service: string,
  spans: Array<{
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    attributes?: ReturnType<typeof kv>[];
  }>,
) {
  return {
    resourceSpans: [{ resource: { attributes: [kv('service.name', service)] }, scopeSpans: [{ spans }] }],
  };
}

describe('spansFromOtlpJson', () => {
  it('decodes service, ids, parent and typed attributes', () => {
    const spans = spansFromOtlpJson(
      otlp('importer', [
        {
          traceId: 'aa'.repeat(16),
          spanId: 'bb'.repeat(8),
          parentSpanId: 'cc'.repeat(8),
          name: 'process hudu-imports',
          attributes: [kv('cwhs.manage_id', 4711), kv('cwhs.record_kind', 'configuration')],
        },
      ]),
    );
    expect(spans).toEqual([
      {
        traceId: 'aa'.repeat(16),
        spanId: 'bb'.repeat(8),
        parentSpanId: 'cc'.repeat(8),
        name: 'process hudu-imports',
        service: 'importer',
        attributes: { 'cwhs.manage_id': 4711, 'cwhs.record_kind': 'configuration' },
        links: [],
      },
    ]);
  });

  it('tolerates empty requests', () => {
    expect(spansFromOtlpJson({})).toEqual([]);
    expect(spansFromOtlpJson({ resourceSpans: [{ scopeSpans: [{}] }] })).toEqual([]);
  });
});

describe('recordJourneys', () => {
  const span = (traceId: string, service: string, extra: Partial<ReceivedSpan> = {}): ReceivedSpan => ({
    traceId,
    spanId: Math.random().toString(16).slice(2),
    name: 'x',
    service,
    attributes: {},
    links: [],
    ...extra,
  });
  const start = (traceId: string, manageId: number, integrationId = 'acme') =>
    span(traceId, 'fetcher', {
      attributes: {
        'cwhs.integration_id': integrationId,
        'cwhs.record_kind': 'configuration',
        'cwhs.event_type': 'ConfigurationFetched',
        'cwhs.manage_id': manageId,
      },
    });

  it('lists each record trace with its services, complete journeys first', () => {
    const spans = [
      start('t1', 5),
      span('t1', 'matcher'),
      start('t2', 9),
      span('t2', 'matcher'),
      span('t2', 'importer'),
      span('t2', 'link'),
      start('t3', 1, 'other'),
      span('t4', 'importer'),
    ];
    const journeys = recordJourneys(spans, 'acme', 'configuration');
    expect(journeys.map((j) => [j.traceId, j.manageId, j.services])).toEqual([
      ['t2', 9, ['fetcher', 'importer', 'link', 'matcher']],
      ['t1', 5, ['fetcher', 'matcher']],
    ]);
    expect(journeys.map(isCompleteJourney)).toEqual([true, false]);
  });
});
