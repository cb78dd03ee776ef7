import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanFiles, scanText, secretForms } from './secret-scan';

/** The scanner the end-to-end redaction test relies on must be able to fail: here it does. */
const secrets = { 'Hudu API key': 'f00dfeedcafe1234', 'Manage private key': 'pr1vate-Key/+=' };

describe('scanText', () => {
  it('finds a secret in a log line, naming the secret and the line but never printing its value', () => {
    const log = [
      '{"level":"info","msg":"started"}',
      `{"level":"info","headers":{"x-api-key":"${secrets['Hudu API key']}"}}`,
      '{"level":"info","apiKey":"[redacted]"}',
    ].join('\n');
    const found = scanText(log, secrets, 'importer.log');
    expect(found).toEqual([{ secret: 'Hudu API key', file: 'importer.log', line: 2 }]);
    expect(JSON.stringify(found)).not.toContain(secrets['Hudu API key']);
  });

  it.each([
    ['URL-encoded', encodeURIComponent(secrets['Manage private key'])],
    ['base64 (a Basic authorization header)', Buffer.from(secrets['Manage private key']).toString('base64')],
    ['JSON-escaped', JSON.stringify(secrets['Manage private key']).slice(1, -1)],
  ])('finds it %s', (_form, written) => {
    expect(scanText(`{"msg":"x ${written} y"}`, secrets)).toHaveLength(1);
  });

  it('passes clean lines', () => {
    expect(scanText('{"msg":"fine","privateKey":"[redacted]"}\n', secrets)).toEqual([]);
  });

  it('refuses secrets too short to search for', () => {
    expect(() => secretForms('abc')).toThrow(/at least 8/);
  });
});

describe('scanFiles', () => {
  it('reads each file, and a missing log is an error rather than a clean result', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
    try {
      const file = path.join(dir, 'link.log');
      fs.writeFileSync(file, `ok\nBearer ${secrets['Hudu API key']}\n`);
      expect(scanFiles([file], secrets)).toEqual([{ secret: 'Hudu API key', file, line: 2 }]);
      expect(() => scanFiles([path.join(dir, 'missing.log')], secrets)).toThrow(/ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
