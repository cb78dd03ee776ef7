/**
 * The naive baseline: what typical community sync scripts do, as a reference to measure the product
 * against (it is not part of the product). It reads everything from Manage page by page, then, for each
 * record, one call at a time: looks it up in Hudu by name, and creates it or updates it. No state is kept
 * between runs, so every run looks up and writes every record again. Plain `fetch`, nothing else.
 *
 * What it leaves out, like most such scripts: archiving (inactive companies are imported as active),
 * deletions, and custom fields; it maps the name, the identifier, the phone, the website, the serial,
 * the model and the e-mail.
 */

export interface HuduTarget {
  url: string;
  apiKey: string;
}

export interface ManageSite {
  url: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export interface NaiveCompany {
  id: number;
  identifier: string;
  name: string;
  phoneNumber?: string;
  website?: string;
}

export interface NaiveConfiguration {
  id: number;
  name: string;
  company: { id: number };
  serialNumber?: string;
  modelNumber?: string;
}

export interface NaiveContact {
  id: number;
  firstName: string;
  lastName?: string;
  company?: { id: number };
  communicationItems?: Array<{ communicationType?: string; value?: string; defaultFlag?: boolean }>;
}

export interface ManageRecords {
  companies: NaiveCompany[];
  configurations: NaiveConfiguration[];
  contacts: NaiveContact[];
}

export interface NaiveLayouts {
  configurations: string;
  contacts: string;
}

export interface NaiveOutcome {
  created: number;
  updated: number;
  /** Requests Hudu refused (the script logs them and goes on). */
  failures: number;
  failureSamples: string[];
}

/** Reads every company, configuration and contact from Manage, page by page (`page=1,2,…`, 1,000 a page). */
export async function readManage(site: ManageSite): Promise<ManageRecords> {
  const info = (await (await fetch(`${site.url}/login/companyinfo/${site.companyId}`)).json()) as {
    Codebase: string;
  };
  const base = `${site.url}/${info.Codebase}apis/3.0`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${site.companyId}+${site.publicKey}:${site.privateKey}`).toString('base64')}`,
    clientid: site.clientId,
    accept: 'application/json',
  };
  const all = async <T>(path: string): Promise<T[]> => {
    const rows: T[] = [];
    for (let page = 1; ; page++) {
      const response = await fetch(`${base}${path}?page=${page}&pageSize=1000`, { headers });
      if (!response.ok) throw new Error(`Manage GET ${path} answered ${response.status}`);
      const batch = (await response.json()) as T[];
      rows.push(...batch);
      if (batch.length < 1000) return rows;
    }
  };
  return {
    companies: await all<NaiveCompany>('/company/companies'),
    configurations: await all<NaiveConfiguration>('/company/configurations'),
    contacts: await all<NaiveContact>('/company/contacts'),
  };
}

export function contactName(contact: Pick<NaiveContact, 'firstName' | 'lastName'>): string {
  return [contact.firstName, contact.lastName]
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');
}

export function contactEmail(contact: NaiveContact): string | undefined {
  const emails = (contact.communicationItems ?? []).filter((c) => c.communicationType === 'Email' && c.value);
  return (emails.find((c) => c.defaultFlag) ?? emails[0])?.value;
}

/** One sync run of the naive script against Hudu. */
export async function naiveSync(
  records: ManageRecords,
  hudu: HuduTarget,
  layouts: NaiveLayouts = { configurations: 'Configurations', contacts: 'Contacts' },
): Promise<NaiveOutcome> {
  const outcome: NaiveOutcome = { created: 0, updated: 0, failures: 0, failureSamples: [] };
  const api = `${hudu.url}/api/v1`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T | undefined> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        'x-api-key': hudu.apiKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      outcome.failures++;
      if (outcome.failureSamples.length < 5)
        outcome.failureSamples.push(`${method} ${path}: ${response.status} ${text.slice(0, 120)}`);
      return undefined;
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const q = encodeURIComponent;

  // Layout ids by name (one call: the seed's layouts fit on the first page).
  const layoutList = await call<{ asset_layouts: Array<{ id: number; name: string }> }>(
    'GET',
    '/asset_layouts',
  );
  const layoutId = (name: string) => layoutList?.asset_layouts.find((l) => l.name === name)?.id;
  const configurationLayout = layoutId(layouts.configurations);
  const contactLayout = layoutId(layouts.contacts);

  // Companies: look up by name, then create or update.
  const huduCompanyOf = new Map<number, number>();
  for (const company of records.companies) {
    const body = {
      company: {
        name: company.name,
        id_number: company.identifier,
        phone_number: company.phoneNumber ?? '',
        website: company.website ?? '',
      },
    };
    const found = await call<{ companies: Array<{ id: number }> }>(
      'GET',
      `/companies?name=${q(company.name)}`,
    );
    const existing = found?.companies[0];
    if (existing) {
      const updated = await call('PUT', `/companies/${existing.id}`, body);
      if (updated) outcome.updated++;
      huduCompanyOf.set(company.id, existing.id);
    } else {
      const created = await call<{ company: { id: number } }>('POST', '/companies', body);
      if (created) {
        outcome.created++;
        huduCompanyOf.set(company.id, created.company.id);
      }
    }
  }

  const upsertAsset = async (
    manageCompanyId: number | undefined,
    layout: number | undefined,
    asset: Record<string, string>,
  ) => {
    const companyId = manageCompanyId === undefined ? undefined : huduCompanyOf.get(manageCompanyId);
    if (companyId === undefined || layout === undefined || !asset['name']) return;
    const found = await call<{ assets: Array<{ id: number }> }>(
      'GET',
      `/assets?company_id=${companyId}&asset_layout_id=${layout}&name=${q(asset['name'])}`,
    );
    const existing = found?.assets[0];
    const body = { asset: { ...asset, asset_layout_id: layout } };
    if (existing) {
      if (await call('PUT', `/companies/${companyId}/assets/${existing.id}`, body)) outcome.updated++;
    } else if (await call('POST', `/companies/${companyId}/assets`, body)) outcome.created++;
  };

  for (const configuration of records.configurations) {
    await upsertAsset(configuration.company.id, configurationLayout, {
      name: configuration.name,
      primary_serial: configuration.serialNumber ?? '',
      primary_model: configuration.modelNumber ?? '',
    });
  }
  for (const contact of records.contacts) {
    await upsertAsset(contact.company?.id, contactLayout, {
      name: contactName(contact),
      primary_mail: contactEmail(contact) ?? '',
    });
  }
  return outcome;
}
