import {
  continuousSyncOf,
  continuousSyncPatchSchema,
  continuousSyncSchema,
  integrationOptionsSchema,
  integrationPatchSchema,
  isAllowedOutboundUrl,
  newIntegrationSchema,
} from './settings';

describe('isAllowedOutboundUrl', () => {
  it.each([
    ['https://na.myconnectwise.net', true],
    ['https://cw.example.com:8443/', true],
    ['http://127.0.0.1:4000', true],
    ['http://localhost:4000', true],
    ['http://[::1]:4000', true],
    ['http://cw.example.com', false],
    ['http://10.0.0.5', false],
    ['ftp://example.com', false],
    ['https://user:pass@example.com', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => expect(isAllowedOutboundUrl(url)).toBe(allowed));
});

describe('integration settings', () => {
  const valid = {
    id: 'acme-msp',
    name: 'Acme MSP',
    manage: {
      siteUrl: 'https://na.myconnectwise.net',
      companyId: 'acme',
      publicKey: 'pub',
      privateKey: 'priv',
      clientId: 'client',
    },
    hudu: { baseUrl: 'https://acme.huducloud.com', apiKey: 'key' },
  };

  it('applies the careful defaults', () => {
    expect(newIntegrationSchema.parse(valid).options).toEqual({
      skipInactiveCompanies: false,
      skipContacts: false,
      skipConfigurations: false,
      skippedConfigurationTypeIds: [],
      configurationLayout: 'Configurations',
      contactLayout: 'Contacts',
      matchPolicy: 'review',
      huduRequestsPerMinute: 300,
      continuousSync: {
        enabled: false,
        pollIntervalSeconds: 60,
        reconcile: { dailyAt: '02:00' },
        callbacks: true,
      },
    });
  });

  it.each([
    ['id', { id: '../x' }, 'id'],
    [
      'plain-http Manage site',
      { manage: { ...valid.manage, siteUrl: 'http://cw.example.com' } },
      'manage.siteUrl',
    ],
    ['missing private key', { manage: { ...valid.manage, privateKey: '' } }, 'manage.privateKey'],
    ['unknown policy', { options: { matchPolicy: 'yolo' } }, 'options.matchPolicy'],
    ['zero Hudu budget', { options: { huduRequestsPerMinute: 0 } }, 'options.huduRequestsPerMinute'],
    ['fractional Hudu budget', { options: { huduRequestsPerMinute: 2.5 } }, 'options.huduRequestsPerMinute'],
  ])('rejects a bad %s, naming the field', (_what, change, field) => {
    const result = newIntegrationSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('validates option types', () => {
    expect(integrationOptionsSchema.safeParse({ skippedConfigurationTypeIds: [1, -2] }).success).toBe(false);
  });
});

describe('continuous-sync settings', () => {
  it('is off by default, polls every minute, reconciles nightly, wants callbacks', () => {
    expect(continuousSyncSchema.parse({})).toEqual({
      enabled: false,
      pollIntervalSeconds: 60,
      reconcile: { dailyAt: '02:00' },
      callbacks: true,
    });
  });

  it.each([
    [{ enabled: true, pollIntervalSeconds: 30, reconcile: { everySeconds: 3600 }, callbacks: false }],
    [{ reconcile: { dailyAt: '23:59' } }],
    [{ reconcile: { dailyAt: '00:00' } }],
    [{ pollIntervalSeconds: 2 }],
  ])('accepts %j', (settings) => expect(continuousSyncSchema.safeParse(settings).success).toBe(true));

  it.each([
    [{ pollIntervalSeconds: 1 }, 'pollIntervalSeconds'],
    [{ pollIntervalSeconds: 86_401 }, 'pollIntervalSeconds'],
    [{ pollIntervalSeconds: 1.5 }, 'pollIntervalSeconds'],
    [{ reconcile: { dailyAt: '24:00' } }, 'reconcile'],
    [{ reconcile: { dailyAt: '2:00' } }, 'reconcile'],
    [{ reconcile: { everySeconds: 5 } }, 'reconcile'],
    [{ reconcile: { everySeconds: 60, dailyAt: '02:00' } }, 'reconcile'],
    [{ reconcile: {} }, 'reconcile'],
    [{ enabled: 'yes' }, 'enabled'],
  ])('refuses %j (at %s)', (settings, field) => {
    const result = continuousSyncSchema.safeParse(settings);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });

  it('a patch changes only what it names, and names nothing unknown', () => {
    expect(continuousSyncPatchSchema.parse({ enabled: true })).toEqual({ enabled: true });
    expect(continuousSyncPatchSchema.safeParse({ enabled: true, every: 5 }).success).toBe(false);
    expect(integrationPatchSchema.parse({ options: { continuousSync: { enabled: true } } }).options).toEqual({
      continuousSync: { enabled: true },
    });
  });

  it('an integration saved before continuous sync existed (or with broken settings) reads the defaults', () => {
    expect(continuousSyncOf({})).toEqual(continuousSyncSchema.parse({}));
    expect(continuousSyncOf({ continuousSync: { pollIntervalSeconds: -1 } })).toEqual(
      continuousSyncSchema.parse({}),
    );
    expect(continuousSyncOf({ continuousSync: { enabled: true } }).enabled).toBe(true);
  });
});
