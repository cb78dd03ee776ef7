import type { ManageConfiguration, ManageContact } from '@cw-hudu-sync/contracts';
import {
  assetInput,
  contactName,
  convert,
  currentAssetFields,
  mapAsset,
  mapConfiguration,
  mapContact,
} from './asset-mapping';
import type { Layout } from './layouts';

const configurationsLayout: Layout = {
  id: 1,
  name: 'Configurations',
  active: true,
  fields: [
    'Configuration Type',
    'Status',
    'serial number',
    'Model',
    'Manufacturer',
    'IP Address',
    'MAC  Address',
    'OS',
    'Warranty Expiration',
    'Notes',
    'Location',
  ].map((label) => ({ label, field_type: label === 'Warranty Expiration' ? 'Date' : 'Text' })),
};

const contactsLayout: Layout = {
  id: 2,
  name: 'Contacts',
  active: true,
  fields: [
    { label: 'First Name', field_type: 'Text' },
    { label: 'Last Name', field_type: 'Text' },
    { label: 'Email', field_type: 'Email' },
    { label: 'Primary', field_type: 'CheckBox' },
    { label: 'Inactive', field_type: 'Text' },
    { label: 'Phone', field_type: 'Phone', is_destroyed: true },
  ],
};

const configuration = (over: Partial<ManageConfiguration> = {}): ManageConfiguration => ({
  id: 11,
  companyId: 7,
  name: 'ACME-DC01',
  typeId: 3,
  typeName: 'Server',
  statusName: 'Active',
  active: true,
  serialNumber: 'SN-1',
  modelNumber: 'R740',
  manufacturer: 'Dell',
  ipAddress: '10.0.0.1',
  macAddress: 'aa:bb',
  osType: 'Windows Server',
  osInfo: '2022',
  warrantyExpirationDate: '2027-05-01T00:00:00Z',
  notes: 'rack 4',
  ...over,
});

const contact = (over: Partial<ManageContact> = {}): ManageContact => ({
  id: 21,
  companyId: 7,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@acme.example',
  inactive: false,
  primary: true,
  ...over,
});

describe('mapConfiguration', () => {
  it('maps top-level fields and layout fields by label, case/space-insensitively', () => {
    const { fields, notInLayout } = mapConfiguration(configuration(), configurationsLayout);
    expect(fields).toEqual({
      name: 'ACME-DC01',
      primary_serial: 'SN-1',
      primary_model: 'R740',
      primary_manufacturer: 'Dell',
      'custom:configuration_type': 'Server',
      'custom:status': 'Active',
      'custom:serial_number': 'SN-1',
      'custom:model': 'R740',
      'custom:manufacturer': 'Dell',
      'custom:ip_address': '10.0.0.1',
      'custom:mac_address': 'aa:bb',
      'custom:os': 'Windows Server',
      'custom:warranty_expiration': '2027/05/01',
      'custom:notes': 'rack 4',
    });
    expect(notInLayout).toEqual([
      'OS Info',
      'Tag Number',
      'Last Login',
      'Contact',
      'Purchase Date',
      'Installation Date',
    ]);
  });

  it('never writes into a layout field it does not map (Location)', () => {
    const { fields } = mapConfiguration(configuration(), configurationsLayout);
    expect(Object.keys(fields)).not.toContain('custom:location');
  });

  it('maps blank values to null', () => {
    const { fields } = mapConfiguration(
      configuration({ serialNumber: ' ', notes: undefined }),
      configurationsLayout,
    );
    expect(fields['primary_serial']).toBeNull();
    expect(fields['custom:serial_number']).toBeNull();
    expect(fields['custom:notes']).toBeNull();
  });
});

describe('mapContact', () => {
  it('maps names, e-mail, check boxes and yes/no text; ignores destroyed fields', () => {
    const { fields, notInLayout } = mapContact(contact(), contactsLayout);
    expect(fields).toEqual({
      name: 'Ada Lovelace',
      primary_mail: 'ada@acme.example',
      'custom:first_name': 'Ada',
      'custom:last_name': 'Lovelace',
      'custom:email': 'ada@acme.example',
      'custom:primary': true,
      'custom:inactive': 'No',
    });
    expect(notInLayout).toEqual(['Title', 'Phone', 'Mobile', 'Notes']);
  });

  it('names a contact by e-mail, then by id', () => {
    expect(contactName(contact({ firstName: undefined, lastName: ' ' }))).toBe('ada@acme.example');
    expect(contactName(contact({ firstName: undefined, lastName: undefined, email: undefined }))).toBe(
      'Contact 21',
    );
  });

  it('mapAsset dispatches by kind', () => {
    expect(mapAsset('contact', contact(), contactsLayout).fields['name']).toBe('Ada Lovelace');
    expect(mapAsset('configuration', configuration(), configurationsLayout).fields['name']).toBe('ACME-DC01');
  });
});

describe('convert', () => {
  it.each([
    [null, 'Text', null],
    ['2024-02-03T10:00:00Z', 'Date', '2024/02/03'],
    ['soon', 'Date', 'soon'],
    [true, 'CheckBox', true],
    ['yes', 'CheckBox', true],
    ['nope', 'checkbox', false],
    [false, 'Text', 'No'],
    ['x', 'Text', 'x'],
  ] as const)('%s as %s → %s', (value, type, expected) => {
    expect(convert(value, type)).toBe(expected);
  });
});

describe('assetInput', () => {
  it('builds a create body with non-empty custom fields in Hudu format', () => {
    expect(
      assetInput(
        {
          name: 'X',
          primary_serial: 'S',
          primary_model: null,
          'custom:serial_number': 'S',
          'custom:notes': null,
        },
        4,
      ),
    ).toEqual({
      asset_layout_id: 4,
      name: 'X',
      primary_serial: 'S',
      primary_model: null,
      custom_fields: [{ serial_number: 'S' }],
    });
  });

  it('for an update keeps the fields it does not own and applies changes and clears', () => {
    const input = assetInput({ 'custom:notes': null, 'custom:status': 'Retired' }, 4, {
      location: 'Rack 2',
      notes: 'old',
      status: 'Active',
    });
    expect(input.custom_fields).toEqual([{ location: 'Rack 2' }, { status: 'Retired' }]);
    expect(input.name).toBeUndefined();
    expect('primary_serial' in input).toBe(false);
  });
});

describe('currentAssetFields', () => {
  it('reads a Hudu asset into mapped form, keeping raw custom values', () => {
    const address = { city: 'X' };
    const { fields, custom } = currentAssetFields({
      name: 'A',
      primary_serial: 'S',
      primary_mail: null,
      primary_model: null,
      primary_manufacturer: null,
      fields: [
        { label: 'Serial Number', value: 'S' },
        { label: 'Address', value: address },
        { label: 'Count', value: 3 },
        { label: 'Odd', value: undefined },
      ],
    });
    expect(fields).toMatchObject({
      name: 'A',
      'custom:serial_number': 'S',
      'custom:address': '{"city":"X"}',
      'custom:count': 3,
      'custom:odd': null,
    });
    expect(custom['address']).toBe(address);
  });
});
