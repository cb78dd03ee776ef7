import {
  manageDataset,
  manageDate,
  type ManageCompany,
  type ManageConfiguration,
  type ManageContact,
  type ManageDataset,
  type ManageDatasetSize,
} from '@cw-hudu-sync/sample-data';
import { type FieldCatalogue, type FieldKind, readPath } from './conditions';

/** A record as the simulator holds it: any Manage object with an id and `_info`. */
export interface StoredRecord {
  id: number;
  _info?: Record<string, string>;
  [field: string]: unknown;
}

/** One resource's records, kept sorted by id (ids only grow), with an id → position index. */
export class Collection<T extends StoredRecord = StoredRecord> {
  private items: T[] = [];
  private index = new Map<number, number>();

  constructor(records: Iterable<T>) {
    for (const record of records) this.items.push(record);
    this.items.sort((a, b) => a.id - b.id);
    this.reindex();
  }

  private reindex() {
    this.index.clear();
    this.items.forEach((item, i) => this.index.set(item.id, i));
  }

  all(): readonly T[] {
    return this.items;
  }

  get size() {
    return this.items.length;
  }

  get(id: number): T | undefined {
    const at = this.index.get(id);
    return at === undefined ? undefined : this.items[at];
  }

  maxId(): number {
    return this.items[this.items.length - 1]?.id ?? 0;
  }

  /** Position of the first record with id > `id` (binary search). */
  firstAfter(id: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.items[mid] as T).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  put(record: T) {
    const at = this.index.get(record.id);
    if (at !== undefined) {
      this.items[at] = record;
      return;
    }
    if (record.id <= this.maxId()) {
      this.items.push(record);
      this.items.sort((a, b) => a.id - b.id);
      this.reindex();
      return;
    }
    this.index.set(record.id, this.items.length);
    this.items.push(record);
  }

  remove(id: number): T | undefined {
    const at = this.index.get(id);
    if (at === undefined) return undefined;
    const [removed] = this.items.splice(at, 1);
    this.reindex();
    return removed;
  }
}

export type ResourceName =
  | 'companies'
  | 'companyStatuses'
  | 'configurations'
  | 'configurationTypes'
  | 'configurationStatuses'
  | 'contacts';

/** The seeded in-memory state of one simulated Manage instance. */
export class ManageState {
  readonly collections: Record<ResourceName, Collection>;
  readonly catalogues: Record<ResourceName, FieldCatalogue>;
  readonly childCatalogues: Record<string, FieldCatalogue>;
  private lastStamp = 0;

  constructor(
    readonly dataset: ManageDataset,
    private readonly now: () => number,
    readonly updatedBy: string,
  ) {
    const asStored = <T>(records: Iterable<T>) => records as Iterable<T & StoredRecord>;
    this.collections = {
      companies: new Collection(asStored(dataset.companies.map((c) => structuredClone(c)))),
      companyStatuses: new Collection(asStored(dataset.companyStatuses.map((c) => structuredClone(c)))),
      configurations: new Collection(asStored(dataset.configurations())),
      configurationTypes: new Collection(asStored(dataset.configurationTypes.map((c) => structuredClone(c)))),
      configurationStatuses: new Collection(
        asStored(dataset.configurationStatuses.map((c) => structuredClone(c))),
      ),
      contacts: new Collection(asStored(dataset.contacts())),
    };
    const names: Record<ResourceName, string> = {
      companies: 'company',
      companyStatuses: 'companyStatus',
      configurations: 'configuration',
      configurationTypes: 'configurationType',
      configurationStatuses: 'configurationStatus',
      contacts: 'contact',
    };
    const extra: Partial<Record<ResourceName, Record<string, FieldKind>>> = {
      companies: companyExtraFields,
      configurations: configurationExtraFields,
      contacts: contactExtraFields,
    };
    this.catalogues = Object.fromEntries(
      (Object.keys(this.collections) as ResourceName[]).map((name) => [
        name,
        catalogueOf(names[name], this.collections[name].all().slice(0, 2000), extra[name] ?? {}),
      ]),
    ) as Record<ResourceName, FieldCatalogue>;
    const communicationItems = this.collections.contacts
      .all()
      .slice(0, 2000)
      .flatMap((c) => (c['communicationItems'] as StoredRecord[] | undefined) ?? []);
    this.childCatalogues = {
      communicationItems: catalogueOf(
        'communicationItems',
        communicationItems,
        { extension: 'string', domain: 'string' },
        'communicationItems/',
      ),
    };
    const customFields = [...this.collections.contacts.all(), ...this.collections.companies.all()]
      .slice(0, 4000)
      .flatMap((c) => (c['customFields'] as StoredRecord[] | undefined) ?? []);
    this.childCatalogues['customFields'] = catalogueOf('customFields', customFields, {
      id: 'number',
      caption: 'string',
      value: 'string',
    });
  }

  /** `lastUpdated` for a change made now: never earlier than the previous stamp. */
  stamp(): string {
    this.lastStamp = Math.max(this.lastStamp, this.now());
    return manageDate(this.lastStamp);
  }

  touch<T extends StoredRecord>(record: T): T {
    return {
      ...record,
      _info: { ...(record._info ?? {}), lastUpdated: this.stamp(), updatedBy: this.updatedBy },
    };
  }

  companyReference(company: StoredRecord) {
    const { id, identifier, name } = company as unknown as ManageCompany;
    return { id, identifier, name, _info: { company_href: `${hrefBase}/company/companies/${id}` } };
  }
}

const hrefBase = 'https://api-na.myconnectwise.net/v4_6_release//apis/3.0';

export function createState(
  dataset: ManageDataset | { size: ManageDatasetSize; seed?: number | string },
  now: () => number,
  updatedBy: string,
): ManageState {
  const resolved = 'companies' in dataset ? dataset : manageDataset({ ...dataset, updatedBy });
  return new ManageState(resolved, now, updatedBy);
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Builds a resource's condition catalogue from sample records (every primitive path) plus known optional fields. */
function catalogueOf(
  resource: string,
  samples: readonly unknown[],
  extra: Record<string, FieldKind>,
  stripPrefix = '',
): FieldCatalogue {
  const kinds: Record<string, FieldKind> = { id: 'number', lastUpdated: 'date', ...extra };
  const walk = (value: unknown, prefix: string, depth: number) => {
    if (value === null || value === undefined || Array.isArray(value) || depth > 3) return;
    if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === '_info' && prefix === '') {
          kinds['_info/lastUpdated'] = 'date';
          continue;
        }
        if (key === '_info') continue;
        walk(child, prefix ? `${prefix}/${key}` : key, depth + 1);
      }
      return;
    }
    if (kinds[prefix]) return;
    if (typeof value === 'number') kinds[prefix] = 'number';
    else if (typeof value === 'boolean') kinds[prefix] = 'boolean';
    else if (typeof value === 'string') kinds[prefix] = ISO.test(value) ? 'date' : 'string';
  };
  for (const sample of samples) walk(sample, '', 0);
  if (stripPrefix) {
    // child conditions name fields with the array's prefix: `communicationItems/value`
    for (const [path, kind] of Object.entries(kinds)) kinds[`${stripPrefix}${path}`] = kind;
  }
  return {
    resource,
    kinds,
    read: stripPrefix
      ? (record, path) =>
          readPath(record, path.startsWith(stripPrefix) ? path.slice(stripPrefix.length) : path)
      : readPath,
  };
}

const referenceFields = (name: string, identifier = false): Record<string, FieldKind> => ({
  [`${name}/id`]: 'number',
  [`${name}/name`]: 'string',
  ...(identifier ? { [`${name}/identifier`]: 'string' } : {}),
});

const companyExtraFields: Record<string, FieldKind> = {
  addressLine2: 'string',
  faxNumber: 'string',
  website: 'string',
  accountNumber: 'string',
  dateDeleted: 'date',
  deletedBy: 'string',
  annualRevenue: 'number',
  numberOfEmployees: 'number',
  ...referenceFields('defaultContact'),
  ...referenceFields('parentCompany', true),
  ...referenceFields('status'),
};

const configurationExtraFields: Record<string, FieldKind> = {
  serialNumber: 'string',
  modelNumber: 'string',
  tagNumber: 'string',
  notes: 'string',
  vendorNotes: 'string',
  macAddress: 'string',
  ipAddress: 'string',
  osType: 'string',
  osInfo: 'string',
  deviceIdentifier: 'string',
  warrantyExpirationDate: 'date',
  lastLoginName: 'string',
  parentConfigurationId: 'number',
  ...referenceFields('contact'),
  ...referenceFields('vendor', true),
};

const contactExtraFields: Record<string, FieldKind> = {
  lastName: 'string',
  title: 'string',
  defaultPhoneNbr: 'string',
  defaultPhoneType: 'string',
  nickName: 'string',
  department: 'string',
  ...referenceFields('site'),
  ...referenceFields('company', true),
};

export type { ManageCompany, ManageConfiguration, ManageContact };
export { readPath };
