import type { ManageCompany, ManageConfiguration, ManageContact } from '@cw-hudu-sync/contracts';
import {
  decideCompany,
  decideConfiguration,
  decideContact,
  fetchedEventType,
  kindsToRead,
  removedEventType,
  shouldEmit,
  snapshotId,
  watermarkId,
} from './change-detection';
import { contentHash } from './content-hash';

const company: ManageCompany = {
  id: 250,
  identifier: 'ACME',
  name: 'Acme',
  inactive: false,
  deleted: false,
  typeNames: [],
  lastUpdated: '2024-01-01T00:00:00Z',
};
const configuration: ManageConfiguration = {
  id: 1001,
  companyId: 250,
  name: 'ACME-SRV001',
  typeId: 3,
  typeName: 'Laptop',
  active: true,
};
const contact: ManageContact = {
  id: 30001,
  companyId: 250,
  firstName: 'Alex',
  inactive: false,
  primary: false,
};

describe('shouldEmit', () => {
  it('emits a record never emitted, a changed one, and any when forced', () => {
    expect(shouldEmit(undefined, 'a')).toBe(true);
    expect(shouldEmit('a', 'b')).toBe(true);
    expect(shouldEmit('a', 'a')).toBe(false);
    expect(shouldEmit('a', 'a', true)).toBe(true);
  });
});

describe('decideCompany', () => {
  const hash = contentHash(company);

  it('emits a new company with its hash and snapshot', () => {
    expect(decideCompany(250, { ok: true, snapshot: company })).toEqual({
      action: 'emit',
      manageId: 250,
      hash,
      snapshot: company,
    });
  });

  it('leaves an unchanged company alone, even when only lastUpdated moved', () => {
    const touched = { ...company, lastUpdated: '2026-01-01T00:00:00Z' };
    expect(decideCompany(250, { ok: true, snapshot: touched }, { previousHash: hash })).toEqual({
      action: 'unchanged',
      manageId: 250,
    });
  });

  it('re-emits an unchanged company when forced', () => {
    expect(
      decideCompany(250, { ok: true, snapshot: company }, { previousHash: hash, force: true }),
    ).toMatchObject({
      action: 'emit',
    });
  });

  it('reports a soft-deleted company as removed once, then as unchanged', () => {
    const deleted = { ...company, deleted: true };
    const first = decideCompany(250, { ok: true, snapshot: deleted }, { previousHash: hash });
    expect(first).toEqual({ action: 'remove', manageId: 250, hash: contentHash(deleted) });
    expect(
      decideCompany(250, { ok: true, snapshot: deleted }, { previousHash: contentHash(deleted) }),
    ).toEqual({
      action: 'unchanged',
      manageId: 250,
    });
    expect(
      decideCompany(
        250,
        { ok: true, snapshot: deleted },
        { previousHash: contentHash(deleted), force: true },
      ),
    ).toMatchObject({ action: 'remove' });
  });

  it('emits a restored company again', () => {
    const deletedHash = contentHash({ ...company, deleted: true });
    expect(decideCompany(250, { ok: true, snapshot: company }, { previousHash: deletedHash })).toMatchObject({
      action: 'emit',
    });
  });

  it('rejects an invalid record with its reason', () => {
    expect(decideCompany(250, { ok: false, reason: 'no name' })).toEqual({
      action: 'reject',
      manageId: 250,
      reason: 'no name',
    });
  });
});

describe('decideConfiguration', () => {
  const hash = contentHash(configuration);

  it('emits new and changed configurations with their company', () => {
    expect(decideConfiguration(1001, { ok: true, snapshot: configuration })).toEqual({
      action: 'emit',
      manageId: 1001,
      companyManageId: 250,
      hash,
      snapshot: configuration,
    });
    const changed = { ...configuration, serialNumber: 'SN1' };
    expect(decideConfiguration(1001, { ok: true, snapshot: changed }, { previousHash: hash })).toMatchObject({
      action: 'emit',
      hash: contentHash(changed),
    });
  });

  it('leaves unchanged ones alone unless forced', () => {
    expect(decideConfiguration(1001, { ok: true, snapshot: configuration }, { previousHash: hash })).toEqual({
      action: 'unchanged',
      manageId: 1001,
      companyManageId: 250,
    });
    expect(
      decideConfiguration(1001, { ok: true, snapshot: configuration }, { previousHash: hash, force: true }),
    ).toMatchObject({ action: 'emit' });
  });

  it('skips a configuration of a skipped type, changed, new or forced alike', () => {
    const skippedTypeIds = new Set([3]);
    for (const options of [{ skippedTypeIds }, { skippedTypeIds, previousHash: 'x', force: true }]) {
      expect(decideConfiguration(1001, { ok: true, snapshot: configuration }, options)).toEqual({
        action: 'skip',
        manageId: 1001,
        companyManageId: 250,
        reason: 'configuration type 3 (Laptop) is skipped',
      });
    }
    expect(
      decideConfiguration(1001, { ok: true, snapshot: configuration }, { skippedTypeIds: new Set([4]) }),
    ).toMatchObject({ action: 'emit' });
  });

  it('rejects an invalid record', () => {
    expect(decideConfiguration(1001, { ok: false, reason: 'bad' })).toEqual({
      action: 'reject',
      manageId: 1001,
      reason: 'bad',
    });
  });
});

describe('decideContact', () => {
  it('emits, leaves unchanged, forces and rejects', () => {
    const hash = contentHash(contact);
    expect(decideContact(30001, { ok: true, snapshot: contact })).toEqual({
      action: 'emit',
      manageId: 30001,
      companyManageId: 250,
      hash,
      snapshot: contact,
    });
    expect(decideContact(30001, { ok: true, snapshot: contact }, { previousHash: hash })).toEqual({
      action: 'unchanged',
      manageId: 30001,
      companyManageId: 250,
    });
    expect(
      decideContact(30001, { ok: true, snapshot: contact }, { previousHash: hash, force: true }),
    ).toMatchObject({
      action: 'emit',
    });
    expect(decideContact(30001, { ok: false, reason: 'r' })).toMatchObject({ action: 'reject' });
  });
});

describe('names and keys', () => {
  it('maps kinds to event types', () => {
    expect(fetchedEventType).toEqual({
      company: 'CompanyFetched',
      configuration: 'ConfigurationFetched',
      contact: 'ContactFetched',
    });
    expect(removedEventType).toEqual({
      company: 'CompanyRemoved',
      configuration: 'ConfigurationRemoved',
      contact: 'ContactRemoved',
    });
  });

  it('keys snapshots and watermarks by integration, kind and id', () => {
    expect(snapshotId('acme', 'configuration', 1001)).toBe('acme:configuration:1001');
    expect(watermarkId('acme', 'contact')).toBe('acme:contact');
  });

  it('reads companies first and leaves skipped kinds out entirely', () => {
    expect(kindsToRead({})).toEqual(['company', 'configuration', 'contact']);
    expect(kindsToRead({ skipConfigurations: true })).toEqual(['company', 'contact']);
    expect(kindsToRead({ skipContacts: true })).toEqual(['company', 'configuration']);
    expect(kindsToRead({ skipConfigurations: true, skipContacts: true })).toEqual(['company']);
  });
});
