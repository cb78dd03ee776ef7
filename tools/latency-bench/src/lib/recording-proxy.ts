import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedWrite {
  method: string;
  path: string;
  body: string;
  /** When the request had fully arrived (epoch ms), before it is passed on. */
  at: number;
}

/**
 * An HTTP proxy in front of the Hudu simulator that records every write (non-GET) with the time it
 * arrived: the moment "the Hudu write is observed", independent of the simulator's own bookkeeping.
 */
export class RecordingProxy {
  readonly writes: RecordedWrite[] = [];
  private server: http.Server | undefined;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    const target = new URL(this.target);
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const method = request.method ?? 'GET';
        if (method !== 'GET' && method !== 'HEAD') {
          this.writes.push({ method, path: request.url ?? '', body: body.toString('utf8'), at: Date.now() });
        }
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method,
            path: request.url,
            headers: { ...request.headers, host: target.host },
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        upstream.on('error', (error) => {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: error.message }));
        });
        upstream.end(body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
