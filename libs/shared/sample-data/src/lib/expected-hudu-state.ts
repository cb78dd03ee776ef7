import type { ManageDataset } from './manage-dataset';

/**
 * What Hudu should hold after a complete sync of a dataset, computed from the dataset alone — an oracle
 * for end-to-end tests, written independently of the product's code. It states the product's rules in
 * their plainest form:
 * - every Manage company that is not soft-deleted is in Hudu once, identified by its Manage identifier
 *   (Hudu `id_number`), archived when its Manage status is inactive — unless inactive companies are
 *   skipped, or the admin ignored it;
 * - each configuration of an imported company is one asset in the configurations layout named like the
 *   configuration, unless configurations or its type are skipped;
 * - each contact of an imported company is one asset in the contacts layout named "First Last", unless
 *   contacts are skipped;
 * - a kind whose layout is missing or inactive is blocked: none of its assets are imported.
 */
export interface ExpectedSyncOptions {
  skipInactiveCompanies?: boolean;
  skipContacts?: boolean;
  skipConfigurations?: boolean;
  skippedConfigurationTypeIds?: readonly number[];
  /** Manage company ids the admin decided to ignore. */
  ignoredCompanyIds?: readonly number[];
  /** Kinds whose layout is missing or inactive. */
  blockedKinds?: ReadonlyArray<'configuration' | 'contact'>;
}

export interface ExpectedAsset {
  manageId: number;
  name: string;
}

export interface ExpectedCompany {
  manageId: number;
  identifier: string;
  name: string;
  archived: boolean;
  configurations: ExpectedAsset[];
  contacts: ExpectedAsset[];
}

export function expectedContactName(contact: { firstName?: string; lastName?: string }): string {
  return [contact.firstName, contact.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
}

export function expectedHuduState(
  dataset: ManageDataset,
  options: ExpectedSyncOptions = {},
): ExpectedCompany[] {
  const inactiveStatus = new Set(dataset.companyStatuses.filter((s) => s.inactiveFlag).map((s) => s.id));
  const skippedTypes = new Set(options.skippedConfigurationTypeIds ?? []);
  const ignored = new Set(options.ignoredCompanyIds ?? []);
  const blocked = new Set(options.blockedKinds ?? []);
  const result: ExpectedCompany[] = [];
  for (const company of dataset.companies) {
    if (company.deletedFlag || ignored.has(company.id)) continue;
    const inactive = company.status !== undefined && inactiveStatus.has(company.status.id);
    if (inactive && options.skipInactiveCompanies) continue;
    const configurations: ExpectedAsset[] = [];
    if (!options.skipConfigurations && !blocked.has('configuration')) {
      for (const configuration of dataset.configurationsOf(company)) {
        if (skippedTypes.has(configuration.type.id)) continue;
        configurations.push({ manageId: configuration.id, name: configuration.name });
      }
    }
    const contacts: ExpectedAsset[] = [];
    if (!options.skipContacts && !blocked.has('contact')) {
      for (const contact of dataset.contactsOf(company)) {
        contacts.push({ manageId: contact.id, name: expectedContactName(contact) });
      }
    }
    result.push({
      manageId: company.id,
      identifier: company.identifier,
      name: company.name,
      archived: inactive,
      configurations,
      contacts,
    });
  }
  return result;
}
