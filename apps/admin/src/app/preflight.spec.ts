import { freePort } from '@cw-hudu-sync/testing';
import { createPreflight, redactSecrets } from './preflight';

describe('redactSecrets', () => {
  it('removes each secret in plain, URL-encoded and base64 form', () => {
    const secret = 'p@ss word/123';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')}`;
    expect(redactSecrets(text, [secret])).toBe('a [redacted] b [redacted] c [redacted]');
  });

  it('leaves very short values alone (they would redact ordinary words)', () => {
    expect(redactSecrets('the key abc', ['abc'])).toBe('the key abc');
  });
});

describe('createPreflight', () => {
  it('reports unreachable services and bad settings as reasons, without the secrets', async () => {
    const port = await freePort(); // nothing listens there
    const preflight = createPreflight({ timeoutMs: 2_000 });
    const report = await preflight({
      manage: {
        siteUrl: `http://127.0.0.1:${port}`,
        companyId: 'ExampleMSP',
        publicKey: 'pub',
        privateKey: 'Preflight-Private-Key-999',
        clientId: 'client',
      },
      hudu: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'Preflight-Hudu-Key-888' },
    });
    expect(report.ok).toBe(false);
    expect(report.manage).toMatchObject({ ok: false, credentialsAccepted: false, missingGrants: [] });
    expect(report.hudu.ok).toBe(false);
    expect(report.reasons).toHaveLength(2);
    expect(report.reasons[0]).toMatch(/^Manage /);
    expect(report.reasons[1]).toMatch(/^Hudu /);
    expect(JSON.stringify(report)).not.toMatch(/Preflight-Private-Key-999|Preflight-Hudu-Key-888/);

    const badSite = await preflight({
      manage: {
        siteUrl: 'https://manage.example.com/with/a/path',
        companyId: 'c',
        publicKey: 'p',
        privateKey: 'Preflight-Private-Key-999',
        clientId: 'x',
      },
      hudu: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'Preflight-Hudu-Key-888' },
    });
    expect(badSite.manage.reason).toMatch(/^Manage settings: Manage site URL must be the bare host/);
  });
});
