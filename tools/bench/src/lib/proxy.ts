import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the Hudu simulator that measures how many requests are in
 * flight: the most at once, and the time-weighted mean while any is (Little's law: busy time ÷ span).
 */
export class ConcurrencyProxy {
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private inFlight = 0;
  private lastChange = 0;
  private weighted = 0;
  private busy = 0;
  max = 0;

  constructor(private readonly target: string) {}

  private change(delta: number) {
    const now = performance.now();
    if (this.inFlight > 0) {
      this.weighted += this.inFlight * (now - this.lastChange);
      this.busy += now - this.lastChange;
    }
    this.lastChange = now;
    this.inFlight += delta;
    this.max = Math.max(this.max, this.inFlight);
  }

  /** Mean requests in flight over the time at least one was. */
  get mean(): number {
    return this.busy === 0 ? 0 : this.weighted / this.busy;
  }

  async listen(): Promise<string> {
    const target = new URL(this.target);
    this.server = http.createServer((request, response) => {
      this.change(1);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.change(-1);
      };
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent: this.agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', finish);
        },
      );
      upstream.on('error', (error) => {
        finish();
        if (!response.headersSent) response.writeHead(502);
        response.end(String(error.message));
      });
      response.on('close', finish);
      request.pipe(upstream);
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
