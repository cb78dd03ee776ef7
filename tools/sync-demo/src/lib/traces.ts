/**
 * Traces as the demo and the end-to-end test see them: spans decoded from OTLP/JSON (what the services
 * export), and the search for one record's journey (docs/adr/0009-one-trace-per-record.md): a single trace
 * holding spans from the fetcher, the matcher, the importer and the link service.
 */
export const JOURNEY_SERVICES = ['fetcher', 'matcher', 'importer', 'link'] as const;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, string | number | boolean>;
  /** Span links: the run span from a record's root, the releasing event's span from a late outcome. */
  links: Array<{ traceId: string; spanId: string }>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  attributes?: OtlpKeyValue[];
  links?: Array<{ traceId?: string; spanId?: string }>;
}
interface OtlpTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

function attributeValue(value: OtlpAnyValue | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const decoded = attributeValue(value);
    if (decoded !== undefined) attributes[key] = decoded;
  }
  return attributes;
}

/** Decodes an OTLP/JSON ExportTraceServiceRequest (ids as hex strings, as the OTLP/HTTP JSON exporter sends). */
export function spansFromOtlpJson(body: unknown): ReceivedSpan[] {
  const request = body as OtlpTraces;
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        if (!span.traceId || !span.spanId) continue;
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name ?? '',
          service,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).flatMap((l) =>
            l.traceId && l.spanId ? [{ traceId: l.traceId, spanId: l.spanId }] : [],
          ),
        });
      }
    }
  }
  return spans;
}

export interface Journey {
  traceId: string;
  manageId: number;
  services: string[];
  spans: number;
}

/**
 * The journeys of records of one kind and integration: traces rooted at the record's `…Fetched` event,
 * with the services that took part. Complete journeys (all four services) first.
 */
export function recordJourneys(
  spans: readonly ReceivedSpan[],
  integrationId: string,
  kind: 'company' | 'configuration' | 'contact',
): Journey[] {
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId) ?? [];
    list.push(span);
    byTrace.set(span.traceId, list);
  }
  const journeys: Journey[] = [];
  for (const [traceId, list] of byTrace) {
    const start = list.find(
      (s) =>
        s.service === 'fetcher' &&
        s.attributes['cwhs.integration_id'] === integrationId &&
        s.attributes['cwhs.record_kind'] === kind &&
        String(s.attributes['cwhs.event_type']).endsWith('Fetched'),
    );
    const manageId = start?.attributes['cwhs.manage_id'];
    if (typeof manageId !== 'number') continue;
    const services = [...new Set(list.map((s) => s.service))].sort();
    journeys.push({ traceId, manageId, services, spans: list.length });
  }
  const complete = (j: Journey) => JOURNEY_SERVICES.every((s) => j.services.includes(s));
  return journeys.sort((a, b) => Number(complete(b)) - Number(complete(a)) || a.manageId - b.manageId);
}

export function isCompleteJourney(journey: Pick<Journey, 'services'>): boolean {
  return JOURNEY_SERVICES.every((s) => journey.services.includes(s));
}
