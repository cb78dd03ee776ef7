import net from 'node:net';
import { TcpProxy } from './tcp-proxy';
import { uniqueName, waitFor } from './stack';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), { what: 'n', intervalMs: 1 })).resolves.toBe(3);
  });
  it('names what it waited for and the last error on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still down');
        },
        { what: 'the broker', timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('waiting for the broker (last error: still down)');
  });
});

describe('uniqueName', () => {
  it('differs between calls', () => {
    expect(uniqueName('x')).not.toBe(uniqueName('x'));
  });
});

describe('TcpProxy', () => {
  it('forwards bytes, refuses after cut and forwards again after restore', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const proxy = await new TcpProxy('127.0.0.1', (echo.address() as net.AddressInfo).port).start();
    const roundTrip = () =>
      new Promise<string>((resolve, reject) => {
        const c = net.connect(proxy.port, '127.0.0.1', () => c.write('ping'));
        c.on('data', (d) => {
          resolve(d.toString());
          c.destroy();
        });
        c.on('close', () => reject(new Error('closed')));
        c.on('error', reject);
      });
    await expect(roundTrip()).resolves.toBe('ping');
    proxy.cut();
    await expect(roundTrip()).rejects.toThrow();
    proxy.restore();
    await expect(roundTrip()).resolves.toBe('ping');
    await proxy.close();
    await new Promise((r) => echo.close(r));
  });
});
