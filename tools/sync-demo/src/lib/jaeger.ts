import fs from 'node:fs';
import path from 'node:path';
import { freePort, type ProcessGroup, until } from './processes';
import { isCompleteJourney, JOURNEY_SERVICES } from './traces';

/** A Jaeger all-in-one (tools/jaeger) started by the demo, on loopback ports of its own. */
export interface JaegerHandle {
  /** The UI and query API. */
  uiUrl: string;
  /** The OTLP/HTTP base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpUrl: string;
}

/**
 * Starts the Jaeger binary built by `tools/jaeger/jaeger build` (tools/run --traces passes its path in
 * CWHS_JAEGER_BIN) with tools/jaeger/config.yaml, every listener on 127.0.0.1 and a free port.
 */
export async function startJaeger(
  group: ProcessGroup,
  workspace: string,
  binary: string,
): Promise<JaegerHandle> {
  if (!fs.existsSync(binary))
    throw new Error(`Jaeger binary ${binary} is missing (tools/jaeger/jaeger build)`);
  const [ui, grpc, otlp] = [await freePort(), await freePort(), await freePort()];
  group.spawn('jaeger', binary, ['--config', path.join(workspace, 'tools', 'jaeger', 'config.yaml')], {
    JAEGER_UI_PORT: String(ui),
    JAEGER_QUERY_GRPC_PORT: String(grpc),
    JAEGER_OTLP_HTTP_PORT: String(otlp),
  });
  const handle = { uiUrl: `http://127.0.0.1:${ui}`, otlpUrl: `http://127.0.0.1:${otlp}` };
  await until(
    `Jaeger (log: ${group.logFile('jaeger')})`,
    async () => {
      if (group.exited('jaeger') !== null) throw new Error(group.logTail('jaeger'));
      const [query, receiver] = await Promise.all([
        fetch(`${handle.uiUrl}/api/services`),
        fetch(`${handle.otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      ]);
      return query.ok && receiver.ok;
    },
    30_000,
  );
  return handle;
}

interface JaegerTrace {
  traceID: string;
  spans: Array<{ processID: string; tags: Array<{ key: string; value: unknown }> }>;
  processes: Record<string, { serviceName: string }>;
}

export interface FoundJourney {
  traceId: string;
  manageId: number;
  services: string[];
  spans: number;
  url: string;
}

/** The services of a trace as Jaeger reports it. */
export function servicesOf(trace: JaegerTrace): string[] {
  return [...new Set(trace.spans.map((s) => trace.processes[s.processID]?.serviceName ?? '?'))].sort();
}

/**
 * Asks Jaeger's query API for a configuration of the integration whose journey is one trace across the
 * four services (searching the link service's spans by tags, the last hop), then fetches that trace by id
 * to confirm Jaeger has it.
 */
export async function findConfigurationJourney(
  jaeger: JaegerHandle,
  integrationId: string,
  timeoutMs = 30_000,
): Promise<FoundJourney> {
  let found: FoundJourney | undefined;
  const tags = JSON.stringify({ 'cwhs.integration_id': integrationId, 'cwhs.record_kind': 'configuration' });
  await until(
    'a configuration journey in Jaeger',
    async () => {
      const search = new URL('/api/traces', jaeger.uiUrl);
      search.search = new URLSearchParams({ service: 'link', tags, limit: '40', lookback: '2h' }).toString();
      const listed = (await (await fetch(search)).json()) as { data?: JaegerTrace[] };
      for (const candidate of listed.data ?? []) {
        if (!isCompleteJourney({ services: servicesOf(candidate) })) continue;
        const response = await fetch(`${jaeger.uiUrl}/api/traces/${candidate.traceID}`);
        if (!response.ok) continue;
        const [trace] = ((await response.json()) as { data?: JaegerTrace[] }).data ?? [];
        if (!trace || !isCompleteJourney({ services: servicesOf(trace) })) continue;
        const manageId = trace.spans.flatMap((s) => s.tags).find((t) => t.key === 'cwhs.manage_id')?.value;
        found = {
          traceId: trace.traceID,
          manageId: Number(manageId),
          services: JOURNEY_SERVICES.filter((s) => servicesOf(trace).includes(s)),
          spans: trace.spans.length,
          url: `${jaeger.uiUrl}/trace/${trace.traceID}`,
        };
        return true;
      }
      return false;
    },
    timeoutMs,
    1_000,
  );
  if (!found) throw new Error('no configuration journey in Jaeger');
  return found;
}
