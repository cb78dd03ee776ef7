import type { ManageCompany } from '@cw-hudu-sync/contracts';
import { isNameFromClashRule, mapCompany, uniqueCompanyName } from './company-mapping';

const company = (over: Partial<ManageCompany> = {}): ManageCompany => ({
  id: 7,
  identifier: 'ACME',
  name: 'Acme Inc.',
  inactive: false,
  deleted: false,
  typeNames: [],
  ...over,
});

describe('mapCompany', () => {
  it('maps every owned field, the identifier as id number', () => {
    expect(
      mapCompany(
        company({
          addressLine1: ' 1 Main St ',
          addressLine2: 'Suite 2',
          city: 'Springfield',
          state: 'IL',
          zip: '62701',
          country: 'United States',
          phoneNumber: '555-0100',
          faxNumber: '555-0101',
          website: 'acme.example',
          typeNames: ['Client', 'Partner'],
        }),
      ),
    ).toEqual({
      name: 'Acme Inc.',
      id_number: 'ACME',
      company_type: 'Client',
      address_line_1: '1 Main St',
      address_line_2: 'Suite 2',
      city: 'Springfield',
      state: 'IL',
      zip: '62701',
      country_name: 'United States',
      phone_number: '555-0100',
      fax_number: '555-0101',
      website: 'acme.example',
    });
  });

  it('maps absent and blank values to null', () => {
    const mapped = mapCompany(company({ city: '   ' }));
    expect(mapped.city).toBeNull();
    expect(mapped.website).toBeNull();
    expect(mapped.company_type).toBeNull();
  });
});

describe('uniqueCompanyName', () => {
  it('keeps a free name', () => {
    expect(uniqueCompanyName('Acme', 'ACME', ['Other'])).toBe('Acme');
  });
  it('adds the identifier on a clash (case-insensitive)', () => {
    expect(uniqueCompanyName('Acme', 'ACME1', ['acme'])).toBe('Acme (ACME1)');
  });
  it('numbers when the qualified name is taken too', () => {
    expect(uniqueCompanyName('Acme', 'A1', ['Acme', 'Acme (A1)', 'ACME (a1) (2)'])).toBe('Acme (A1) (3)');
  });
  it('uses the identifier for a blank name and collapses whitespace', () => {
    expect(uniqueCompanyName('  ', 'ACME', [])).toBe('ACME');
    expect(uniqueCompanyName(' Acme   Inc ', 'X', [])).toBe('Acme Inc');
  });
});

describe('isNameFromClashRule', () => {
  it.each([
    ['Acme', true],
    ['acme', true],
    ['Acme (A1)', true],
    ['Acme (A1) (4)', true],
    ['Acme Corp', false],
    ['Acme (B2)', false],
  ])('%s → %s', (hudu, expected) => {
    expect(isNameFromClashRule(hudu, 'Acme', 'A1')).toBe(expected);
  });
});
