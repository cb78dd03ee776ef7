import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from './processes';

const workspace = path.resolve(__dirname, '../../../..');

describe('service processes', () => {
  it('start with the same V8 heap flags locally as in the container image', () => {
    const dockerfile = fs.readFileSync(path.join(workspace, 'docker/Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(entrypoint).toBeDefined();
    const args = JSON.parse(entrypoint!) as string[];
    const heapFlags = args.filter((arg) => /^--max-(semi|old)-space-size=/.test(arg));
    expect(heapFlags).toEqual([...SERVICE_NODE_FLAGS]);
    // The flags go before the preload and main.js (Node options, not the program's arguments).
    expect(args.indexOf(heapFlags[0]!)).toBeLessThan(args.indexOf('main.js'));
  });
});
