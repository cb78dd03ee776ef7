import fs from 'node:fs';
import path from 'node:path';
import type { components } from 'connectwise-rest/dist/ManageTypes';
import { allOf, conditionDate, conditionString } from './conditions';
import { ManageApiError, redact } from './errors';
import { ManageClient, latestLastUpdated, linkHeader, validateSiteUrl } from './manage-client';
import {
  type ManageCompany,
  type ManageConfiguration,
  type ManageContact,
  manageContactSchema,
} from './types';

type Schemas = components['schemas'];

// Compile-time: what the official schema (connectwise-rest's generated 2022.1 types) describes is accepted by the
// client's entity types, for the fields the sync reads. Drift in a name or type stops this file compiling.
type Picked<T, K extends keyof T> = { [P in K]-?: NonNullable<T[P]> };
const fromOfficial = {
  company: (
    r: Picked<Schemas['Company'], 'id' | 'identifier' | 'name' | 'deletedFlag' | 'website' | 'city'>,
  ): ManageCompany => r,
  configuration: (
    r: Picked<
      Schemas['Company.Configuration'],
      'id' | 'name' | 'serialNumber' | 'macAddress' | 'activeFlag' | 'notes'
    > & {
      company: { id: number; identifier?: string; name?: string };
      type: { id: number; name?: string };
    },
  ): ManageConfiguration => r,
  contact: (
    r: Picked<Schemas['Contact'], 'id' | 'firstName' | 'lastName' | 'inactiveFlag' | 'title'>,
  ): ManageContact => r,
  communicationType: (
    t: NonNullable<NonNullable<Schemas['Contact']['communicationItems']>[number]['communicationType']>,
  ) =>
    manageContactSchema.shape.communicationItems.unwrap().element.shape.communicationType.unwrap().parse(t),
};

describe('validateSiteUrl', () => {
  it.each([
    ['https://api-na.myconnectwise.net', 'https://api-na.myconnectwise.net'],
    ['https://cw.example.com:8443/', 'https://cw.example.com:8443'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['http://localhost:4000', 'http://localhost:4000'],
    ['http://[::1]:4000', 'http://[::1]:4000'],
  ])('accepts %s', (input, origin) => {
    expect(validateSiteUrl(input)).toBe(origin);
  });

  it.each([
    ['http://api-na.myconnectwise.net', /https/],
    ['http://10.0.0.5', /https/],
    ['ftp://127.0.0.1', /https/],
    ['api-na.myconnectwise.net', /not a URL/],
    ['https://user:pw@host.example', /credentials/],
    ['https://host.example/v4_6_release/apis/3.0', /bare host/],
  ])('rejects %s', (input, message) => {
    expect(() => validateSiteUrl(input)).toThrow(message);
  });
});

describe('ManageClient construction', () => {
  const base = {
    siteUrl: 'https://api-na.myconnectwise.net',
    companyId: 'co',
    publicKey: 'pub',
    privateKey: 'priv-secret',
    clientId: 'id',
  };
  it('names missing settings and a malformed codebase', () => {
    expect(() => new ManageClient({ ...base, clientId: '' })).toThrow('Manage clientId is required');
    expect(() => new ManageClient({ ...base, codebase: 'v2025_1' })).toThrow(/trailing slash/);
    expect(() => new ManageClient({ ...base, pageSize: 1001 })).toThrow(/pageSize/);
  });
  it('does not expose the keys when serialised or inspected', async () => {
    const client = new ManageClient(base);
    expect(JSON.stringify(client)).not.toContain('priv-secret');
    expect(require('node:util').inspect(client, { depth: 5 })).not.toContain('priv-secret');
    await client.close();
  });
});

describe('ManageApiError', () => {
  it('carries status, code and Manage’s message, redacting secrets', () => {
    const error = new ManageApiError({
      status: 400,
      method: 'GET',
      path: '/company/companies?conditions=name%3D%22s3cr3t-key%22',
      body: fixture('error-invalid-object.json'),
      secrets: ['s3cr3t-key'],
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe('InvalidObject');
    expect(error.manageMessage).toBe('contact object is invalid');
    expect(error.message).toBe(
      'Manage GET /company/companies?conditions=name%3D%22[redacted]%22 answered 400 InvalidObject: contact object is invalid (firstName: The firstName field is required.)',
    );
  });
  it('reads the 429 body’s `error` key', () => {
    const error = new ManageApiError({
      status: 429,
      method: 'GET',
      path: '/x',
      body: { error: 'ConnectWiseAPI', message: 'Too many requests.' },
      secrets: [],
    });
    expect(error.code).toBe('ConnectWiseAPI');
    expect(error.retryable).toBe(true);
  });
  it('redacts plain, URL-encoded and base64 forms', () => {
    const secret = 'a+b/c=d';
    expect(
      redact(`x ${secret} ${encodeURIComponent(secret)} ${Buffer.from(secret).toString('base64')} y`, [
        secret,
      ]),
    ).toBe('x [redacted] [redacted] [redacted] y');
  });
});

describe('helpers', () => {
  it('parses Link headers', () => {
    const links = linkHeader(
      '<https://h/v4_6_release/apis/3.0/company/companies?pageSize=1000&page=2>; rel="next", <https://h/x?page=4>; rel="last"',
    );
    expect(links.get('next')).toBe('https://h/v4_6_release/apis/3.0/company/companies?pageSize=1000&page=2');
    expect(links.get('last')).toBe('https://h/x?page=4');
    expect(linkHeader(undefined).size).toBe(0);
  });
  it('writes condition literals', () => {
    expect(conditionString('Smith & "Jones"')).toBe('"Smith & \\"Jones\\""');
    expect(conditionDate('2024-05-06T07:08:09.999Z')).toBe('[2024-05-06T07:08:09Z]');
    expect(() => conditionDate('nope')).toThrow(RangeError);
    expect(allOf('a = 1', undefined, ' ', 'b = 2 or c = 3')).toBe('(a = 1) and (b = 2 or c = 3)');
    expect(allOf(undefined)).toBeUndefined();
  });
  it('takes the latest lastUpdated as the next watermark', () => {
    expect(
      latestLastUpdated(
        [
          { _info: { lastUpdated: '2024-01-01T00:00:00Z' } },
          { _info: { lastUpdated: '2025-01-01T00:00:00Z' } },
          {},
        ],
        '2024-06-01T00:00:00Z',
      ),
    ).toBe('2025-01-01T00:00:00Z');
  });
  it('accepts the real contacts-list fixture and callback entities', () => {
    const [contact] = fixture('contacts-list.json') as unknown[];
    expect(manageContactSchema.parse(contact)).toEqual(contact);
    const callback = fixture('callback-contact-updated.json') as { Entity: string };
    const entity = manageContactSchema.parse(JSON.parse(callback.Entity));
    expect(entity.id).toBe(57961);
    expect(entity.lastName).toBeUndefined();
    expect(fromOfficial.communicationType('Email')).toBe('Email');
  });
});

function fixture(name: string): never {
  // copies of the shared real-payload fixtures (see test/fixtures/README.md)
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures', name), 'utf8')) as never;
}
