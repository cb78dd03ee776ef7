import { integrationOptionsSchema, isAllowedOutboundUrl, newIntegrationSchema } from './settings';

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
  ])('rejects a bad %s, naming the field', (_what, change, field) => {
    const result = newIntegrationSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('validates option types', () => {
    expect(integrationOptionsSchema.safeParse({ skippedConfigurationTypeIds: [1, -2] }).success).toBe(false);
  });
});
