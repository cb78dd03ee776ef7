import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * The preload exactly as the services load it: otel.ts bundled the way the apps' build bundles it
 * (third-party packages external) into <tmp>/apps/fetcher/otel.js, then
 * `node --require <tmp>/apps/fetcher/otel.js probe.cjs`, where the probe requires what the services
 * require (http, undici, mongodb, mongoose, kafkajs, pino, fastify) and reports what was patched.
 */
jest.setTimeout(90_000);

const workspace = path.resolve(__dirname, '../../../..');
const dir = fs.mkdtempSync(path.join(workspace, 'tmp', 'otel-preload-'));
const preload = path.join(dir, 'apps', 'fetcher', 'otel.js');
const probe = path.join(dir, 'probe.cjs');

interface ProbeReport {
  openTelemetryBeforeMain: string[];
  http: boolean;
  undici: boolean;
  mongodb: boolean;
  mongoose: boolean;
  fastify: boolean;
}

beforeAll(() => {
  buildSync({
    entryPoints: [path.join(__dirname, 'otel.ts')],
    outfile: preload,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
  });
  fs.writeFileSync(
    probe,
    `
const dc = require('node:diagnostics_channel');
const openTelemetryBeforeMain = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry'));
const http = require('node:http');
const mongoose = require('mongoose');
require('mongodb'); require('kafkajs'); require('pino'); require('fastify'); require('undici');
const report = {
  openTelemetryBeforeMain,
  http: http.request.__wrapped === true,
  undici: dc.hasSubscribers('undici:request:create'),
  mongodb: require('mongodb/lib/cmap/connection').Connection.prototype.command.__wrapped === true,
  mongoose: mongoose.Query.prototype.exec.__wrapped === true,
  fastify: dc.hasSubscribers('fastify.initialization'),
};
const { trace } = require('@opentelemetry/api');
trace.getTracer('probe').startSpan('probe work').end();
process.stdout.write(JSON.stringify(report));
`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runProbe(env: Record<string, string>): ProbeReport {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
  ) as Record<string, string>;
  const out = execFileSync(process.execPath, ['--require', preload, probe], {
    cwd: workspace,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as ProbeReport;
}

describe('the preload (dist/apps/<app>/otel.js)', () => {
  it('without an OTLP endpoint loads no SDK and patches nothing', () => {
    const report = runProbe({});
    expect(report.openTelemetryBeforeMain).toEqual([]);
    expect(report).toMatchObject({
      http: false,
      undici: false,
      mongodb: false,
      mongoose: false,
      fastify: false,
    });
  });

  it('stays off when OTEL_SDK_DISABLED=true even with an endpoint', () => {
    const report = runProbe({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(report.openTelemetryBeforeMain).toEqual([]);
    expect(report.http).toBe(false);
  });

  it('with an endpoint patches every instrumented module before main requires it, and exports as the app', async () => {
    const bodies: string[] = [];
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') bodies.push(body);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const report = await new Promise<ProbeReport>((resolve, reject) => {
        // Asynchronous: the receiver answers from this process while the probe exports on its way out.
        execFile(
          process.execPath,
          ['--require', preload, probe],
          {
            cwd: workspace,
            env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
            timeout: 60_000,
          },
          (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as ProbeReport)),
        );
      });
      expect(report).toMatchObject({
        http: true,
        undici: true,
        mongodb: true,
        mongoose: true,
        fastify: true,
      });
      expect(report.openTelemetryBeforeMain.some((k) => k.includes('sdk-trace'))).toBe(true);

      const exported = bodies.map(
        (b) =>
          JSON.parse(b) as {
            resourceSpans: Array<{
              resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
              scopeSpans: Array<{ spans: Array<{ name: string }> }>;
            }>;
          },
      );
      const resource = exported[0]?.resourceSpans[0];
      expect(resource?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe(
        'fetcher',
      );
      expect(resource?.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))).toContain('probe work');
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
