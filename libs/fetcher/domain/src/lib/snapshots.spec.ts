import fs from 'node:fs';
import path from 'node:path';
import type { ManageCompanyRecord, ManageConfigurationRecord, ManageContactRecord } from './manage-records';
import {
  companyStatusIndex,
  configurationLookups,
  MAX_NOTES_LENGTH,
  notesOf,
  toCompanySnapshot,
  toConfigurationSnapshot,
  toContactSnapshot,
} from './snapshots';

const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures', name), 'utf8'));

const statuses = companyStatusIndex([
  { id: 1, name: 'Active', inactiveFlag: false },
  { id: 2, name: 'Inactive', inactiveFlag: true },
  { id: 3, name: 'Not-Approved' },
]);

const company = (overrides: Partial<ManageCompanyRecord> = {}): ManageCompanyRecord => ({
  id: 250,
  identifier: 'SMITHJONES',
  name: 'Smith & Jones',
  status: {
    id: 1,
    name: 'Active',
    _info: { status_href: 'https://x//apis/3.0/company/companies/statuses/1' },
  },
  addressLine1: '12 Main St',
  addressLine2: 'Suite 200',
  city: 'Tampa',
  state: 'FL',
  zip: '33602',
  country: { id: 1, identifier: 'US', name: 'United States' },
  phoneNumber: '5550100',
  faxNumber: '5550101',
  website: 'https://www.smithjones.example',
  deletedFlag: false,
  types: [{ id: 1, name: 'Customer' }],
  site: { id: 1000, name: 'Main' },
  territory: { id: 1, name: 'Main' },
  _info: { lastUpdated: '2024-05-01T10:00:00Z', updatedBy: 'ApiMember' },
  ...overrides,
});

describe('toCompanySnapshot', () => {
  it('maps the fields the sync uses', () => {
    const result = toCompanySnapshot(company(), statuses);
    expect(result).toEqual({
      ok: true,
      snapshot: {
        id: 250,
        identifier: 'SMITHJONES',
        name: 'Smith & Jones',
        statusName: 'Active',
        inactive: false,
        deleted: false,
        addressLine1: '12 Main St',
        addressLine2: 'Suite 200',
        city: 'Tampa',
        state: 'FL',
        zip: '33602',
        country: 'United States',
        phoneNumber: '5550100',
        faxNumber: '5550101',
        website: 'https://www.smithjones.example',
        typeNames: ['Customer'],
        lastUpdated: '2024-05-01T10:00:00Z',
      },
    });
  });

  it('is inactive when its status is one Manage marks inactive', () => {
    const result = toCompanySnapshot(company({ status: { id: 2, name: 'Inactive' } }), statuses);
    expect(result.ok && result.snapshot.inactive).toBe(true);
  });

  it('is active when the status has no inactive flag or is unknown', () => {
    for (const status of [
      { id: 3, name: 'Not-Approved' },
      { id: 99, name: 'Unknown' },
    ]) {
      const result = toCompanySnapshot(company({ status }), statuses);
      expect(result.ok && result.snapshot.inactive).toBe(false);
    }
  });

  it('takes the status name from the status list when the reference has none', () => {
    const result = toCompanySnapshot(company({ status: { id: 2 } }), statuses);
    expect(result.ok && result.snapshot).toMatchObject({ statusName: 'Inactive', inactive: true });
  });

  it('has no status when Manage sent none', () => {
    const result = toCompanySnapshot(company({ status: undefined }), statuses);
    expect(result.ok && result.snapshot).toMatchObject({ inactive: false });
    expect(result.ok && 'statusName' in result.snapshot).toBe(false);
  });

  it('is deleted only when deletedFlag is true', () => {
    expect(toCompanySnapshot(company({ deletedFlag: true }), statuses)).toMatchObject({
      ok: true,
      snapshot: { deleted: true },
    });
    const { deletedFlag: _omitted, ...without } = company();
    expect(toCompanySnapshot(without, statuses)).toMatchObject({ ok: true, snapshot: { deleted: false } });
  });

  it('leaves out unset, blank and null fields instead of sending empty values', () => {
    const result = toCompanySnapshot(
      company({
        addressLine2: '   ',
        website: null,
        faxNumber: undefined,
        country: {},
        types: [{ id: 1 }, { id: 2, name: 'Prospect' }],
      }),
      statuses,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot).not.toHaveProperty('addressLine2');
    expect(result.snapshot).not.toHaveProperty('website');
    expect(result.snapshot).not.toHaveProperty('faxNumber');
    expect(result.snapshot).not.toHaveProperty('country');
    expect(result.snapshot.typeNames).toEqual(['Prospect']);
  });

  it('keeps names with non-Latin characters and punctuation as they are', () => {
    const result = toCompanySnapshot(company({ name: '株式会社テスト', identifier: 'CO2' }), statuses);
    expect(result.ok && result.snapshot.name).toBe('株式会社テスト');
  });

  it('rejects, with a reason, a company without a name or with an overlong name', () => {
    const blank = toCompanySnapshot(company({ name: '  ' }), statuses);
    expect(blank).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Manage company 250 cannot be synced: name/),
    });
    const long = toCompanySnapshot(company({ name: 'x'.repeat(201) }), statuses);
    expect(long.ok).toBe(false);
    expect(!long.ok && long.reason).toContain('name');
  });

  it('rejects a hostile oversized field instead of passing it on', () => {
    const result = toCompanySnapshot(company({ website: `https://${'a'.repeat(10_000)}.example` }), statuses);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('website') });
  });
});

const configuration = (overrides: Partial<ManageConfigurationRecord> = {}): ManageConfigurationRecord => ({
  id: 1001,
  name: 'SMITHJ-MANA001',
  type: { id: 1, name: 'Managed Server', _info: {} },
  status: { id: 1, name: 'Active' },
  company: { id: 250, identifier: 'SMITHJONES', name: 'Smith & Jones' },
  contact: { id: 30001, name: 'Alex Smith' },
  site: { id: 1000, name: 'Main' },
  serialNumber: 'SN123456A',
  modelNumber: 'DE-1234',
  tagNumber: 'TAG1234',
  purchaseDate: '2018-01-01T00:00:00Z',
  installationDate: '2018-01-08T00:00:00Z',
  warrantyExpirationDate: '2021-01-07T00:00:00Z',
  notes: 'Checked during onboarding.',
  macAddress: '00:11:22:33:44:55',
  ipAddress: '10.0.0.5',
  osType: 'Windows Server 2022',
  osInfo: 'Build 20348',
  lastLoginName: 'SMITHJ\\alex',
  manufacturer: { id: 1, name: 'Dell', _info: {} },
  activeFlag: true,
  questions: [],
  _info: { lastUpdated: '2024-06-01T08:00:00Z' },
  ...overrides,
});

describe('toConfigurationSnapshot', () => {
  it('maps the fields the sync uses', () => {
    expect(toConfigurationSnapshot(configuration())).toEqual({
      ok: true,
      snapshot: {
        id: 1001,
        companyId: 250,
        name: 'SMITHJ-MANA001',
        typeId: 1,
        typeName: 'Managed Server',
        statusName: 'Active',
        active: true,
        serialNumber: 'SN123456A',
        modelNumber: 'DE-1234',
        tagNumber: 'TAG1234',
        manufacturer: 'Dell',
        ipAddress: '10.0.0.5',
        macAddress: '00:11:22:33:44:55',
        osType: 'Windows Server 2022',
        osInfo: 'Build 20348',
        lastLoginName: 'SMITHJ\\alex',
        contactName: 'Alex Smith',
        purchaseDate: '2018-01-01T00:00:00Z',
        installationDate: '2018-01-08T00:00:00Z',
        warrantyExpirationDate: '2021-01-07T00:00:00Z',
        notes: 'Checked during onboarding.',
        lastUpdated: '2024-06-01T08:00:00Z',
      },
    });
  });

  it('takes active from activeFlag', () => {
    const result = toConfigurationSnapshot(
      configuration({ activeFlag: false, status: { id: 3, name: 'Retired' } }),
    );
    expect(result.ok && result.snapshot.active).toBe(false);
  });

  it('without activeFlag, is active unless its status is a closed one', () => {
    const lookups = configurationLookups(
      [{ id: 1, name: 'Managed Server' }],
      [
        { id: 1, description: 'Active', closedFlag: false },
        { id: 3, description: 'Retired', closedFlag: true },
      ],
    );
    const retired = toConfigurationSnapshot(
      configuration({ activeFlag: undefined, status: { id: 3 } }),
      lookups,
    );
    expect(retired.ok && retired.snapshot.active).toBe(false);
    const open = toConfigurationSnapshot(
      configuration({ activeFlag: undefined, status: { id: 1 } }),
      lookups,
    );
    expect(open.ok && open.snapshot.active).toBe(true);
    const unknown = toConfigurationSnapshot(
      configuration({ activeFlag: undefined, status: undefined }),
      lookups,
    );
    expect(unknown.ok && unknown.snapshot.active).toBe(true);
  });

  it('names the type from the type list when the reference has no name', () => {
    const lookups = configurationLookups([{ id: 7, name: 'Printer' }]);
    const result = toConfigurationSnapshot(configuration({ type: { id: 7 } }), lookups);
    expect(result.ok && result.snapshot).toMatchObject({ typeId: 7, typeName: 'Printer' });
    const nameless = toConfigurationSnapshot(configuration({ type: { id: 8 } }), lookups);
    expect(nameless.ok && nameless.snapshot.typeName).toBe('');
  });

  it('accepts a manufacturer sent as plain text', () => {
    const result = toConfigurationSnapshot(configuration({ manufacturer: 'HP' }));
    expect(result.ok && result.snapshot.manufacturer).toBe('HP');
  });

  it('truncates overlong notes to the contract bound instead of rejecting the record', () => {
    const result = toConfigurationSnapshot(configuration({ notes: 'n'.repeat(MAX_NOTES_LENGTH + 500) }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot.notes).toHaveLength(MAX_NOTES_LENGTH);
    expect(result.snapshot.notes?.endsWith('…')).toBe(true);
  });

  it('rejects, with a reason, a configuration without company or type, or with a field too long', () => {
    expect(toConfigurationSnapshot(configuration({ company: undefined }))).toEqual({
      ok: false,
      reason: 'Manage configuration 1001 cannot be synced: it belongs to no company',
    });
    expect(toConfigurationSnapshot(configuration({ type: undefined }))).toEqual({
      ok: false,
      reason: 'Manage configuration 1001 cannot be synced: it has no configuration type',
    });
    const serial = toConfigurationSnapshot(configuration({ serialNumber: 'S'.repeat(201) }));
    expect(serial).toEqual({ ok: false, reason: expect.stringContaining('serialNumber') });
    const nameless = toConfigurationSnapshot(configuration({ name: '' }));
    expect(nameless).toEqual({ ok: false, reason: expect.stringContaining('name') });
  });

  it('leaves out what Manage did not send', () => {
    const result = toConfigurationSnapshot({
      id: 5,
      name: 'bare',
      type: { id: 2, name: 'Laptop' },
      company: { id: 9 },
    });
    expect(result).toEqual({
      ok: true,
      snapshot: { id: 5, companyId: 9, name: 'bare', typeId: 2, typeName: 'Laptop', active: true },
    });
  });
});

const contact = (overrides: Partial<ManageContactRecord> = {}): ManageContactRecord => ({
  id: 30001,
  firstName: 'Zoë',
  lastName: "O'Connor",
  company: { id: 250, identifier: 'SMITHJONES', name: 'Smith & Jones' },
  site: {},
  inactiveFlag: false,
  title: 'Office Manager',
  defaultFlag: true,
  communicationItems: [
    {
      id: 1,
      type: { id: 1, name: 'Email' },
      value: 'old@smithjones.example',
      defaultFlag: false,
      communicationType: 'Email',
    },
    {
      id: 2,
      type: { id: 1, name: 'Email' },
      value: 'zoe@smithjones.example',
      defaultFlag: true,
      communicationType: 'Email',
    },
    {
      id: 3,
      type: { id: 2, name: 'Direct' },
      value: '5550123',
      extension: '45',
      defaultFlag: true,
      communicationType: 'Phone',
    },
    {
      id: 4,
      type: { id: 4, name: 'Mobile' },
      value: '5550999',
      defaultFlag: false,
      communicationType: 'Phone',
    },
    { id: 5, type: { id: 3, name: 'Fax' }, value: '5550100', defaultFlag: true, communicationType: 'Fax' },
  ],
  _info: { lastUpdated: '2024-07-01T00:00:00Z' },
  ...overrides,
});

describe('toContactSnapshot', () => {
  it('maps names, title, the default e-mail and phone, mobile, and flags', () => {
    expect(toContactSnapshot(contact())).toEqual({
      ok: true,
      snapshot: {
        id: 30001,
        companyId: 250,
        firstName: 'Zoë',
        lastName: "O'Connor",
        title: 'Office Manager',
        email: 'zoe@smithjones.example',
        phone: '5550123 x45',
        mobile: '5550999',
        inactive: false,
        primary: true,
        lastUpdated: '2024-07-01T00:00:00Z',
      },
    });
  });

  it('falls back to the first item of a kind when none is the default, and skips blank values', () => {
    const result = toContactSnapshot(
      contact({
        communicationItems: [
          { type: { id: 1, name: 'Email' }, value: '', defaultFlag: true, communicationType: 'Email' },
          { type: { id: 1, name: 'Email' }, value: 'first@x.example', communicationType: 'Email' },
          { type: { id: 1, name: 'Email' }, value: 'second@x.example', communicationType: 'Email' },
          { type: { id: 4, name: 'Cell' }, value: '5551111', defaultFlag: true, communicationType: 'Phone' },
        ],
      }),
    );
    expect(result.ok && result.snapshot).toMatchObject({
      email: 'first@x.example',
      phone: '5551111',
      mobile: '5551111',
    });
  });

  it('has no e-mail or phone when Manage lists none', () => {
    const result = toContactSnapshot(contact({ communicationItems: [] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot).not.toHaveProperty('email');
    expect(result.snapshot).not.toHaveProperty('phone');
    expect(result.snapshot).not.toHaveProperty('mobile');
  });

  it('is inactive from inactiveFlag, and not primary without defaultFlag', () => {
    const result = toContactSnapshot(contact({ inactiveFlag: true, defaultFlag: false }));
    expect(result.ok && result.snapshot).toMatchObject({ inactive: true, primary: false });
  });

  it('rejects a contact of no company, and one with an overlong e-mail', () => {
    expect(toContactSnapshot(contact({ company: undefined }))).toEqual({
      ok: false,
      reason: 'Manage contact 30001 cannot be synced: it belongs to no company',
    });
    const long = toContactSnapshot(
      contact({
        communicationItems: [{ value: `${'a'.repeat(250)}@x.example`, communicationType: 'Email' }],
      }),
    );
    expect(long).toEqual({ ok: false, reason: expect.stringContaining('email') });
  });

  it('maps a contact shaped like a real Manage page (fixtures: empty site/_info, no communication items)', () => {
    const [record] = fixture('contacts-list.json') as ManageContactRecord[];
    expect(toContactSnapshot(record!)).toEqual({
      ok: true,
      snapshot: {
        id: 31045,
        companyId: 20481,
        firstName: 'Alex',
        lastName: 'Morgan',
        title: 'Operations Manager',
        phone: '5550100199',
        mobile: '5550100199',
        inactive: false,
        primary: true,
      },
    });
  });

  it('rejects, rather than crashes on, a callback entity without a company (fixtures)', () => {
    const delivery = fixture('callback-contact-updated.json') as { Entity: string };
    const entity = JSON.parse(delivery.Entity) as ManageContactRecord;
    const result = toContactSnapshot(entity);
    expect(result).toEqual({
      ok: false,
      reason: 'Manage contact 57961 cannot be synced: it belongs to no company',
    });
  });
});

describe('notesOf', () => {
  it('keeps short notes, drops blank ones, and never splits a surrogate pair when cutting', () => {
    expect(notesOf('short')).toBe('short');
    expect(notesOf('')).toBeUndefined();
    expect(notesOf(42)).toBeUndefined();
    const emoji = '😀';
    const text = 'a'.repeat(MAX_NOTES_LENGTH - 2) + emoji.repeat(10);
    const cut = notesOf(text)!;
    expect(cut.length).toBeLessThanOrEqual(MAX_NOTES_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF]…$/.test(cut)).toBe(false);
  });
});
