import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type ReceivedSpan, spansFromOtlpJson } from './traces';

/**
 * A test-owned OTLP/HTTP receiver: accepts `POST /v1/traces` with OTLP/JSON bodies (what the services
 * send with OTEL_EXPORTER_OTLP_PROTOCOL=http/json), keeps the decoded spans and the raw bodies (so a
 * test can also check that no secret ever reaches a trace).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly bodies: string[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<string> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        try {
          let body = Buffer.concat(chunks);
          if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          if (!String(request.headers['content-type'] ?? '').includes('json')) {
            response.writeHead(415).end('only OTLP/JSON is decoded here');
            return;
          }
          const text = body.toString('utf8');
          this.bodies.push(text);
          this.spans.push(...spansFromOtlpJson(JSON.parse(text)));
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch (error) {
          response.writeHead(400).end((error as Error).message);
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
