import type { HuduFieldType, HuduSeed } from '@cw-hudu-sync/sample-data';

/**
 * The simulator's in-memory Hudu tenant: companies, assets, asset layouts and integration links
 * (matchers). Rendering turns records into the JSON Hudu serves; validation follows Hudu's answers.
 */

export interface CompanyRecord {
  id: number;
  slug: string;
  name: string;
  nickname: string | null;
  address_line_1: string | null;
  address_line_2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country_name: string | null;
  phone_number: string | null;
  company_type: string | null;
  parent_company_id: number | null;
  fax_number: string | null;
  website: string | null;
  notes: string;
  archived: boolean;
  id_number: string | null;
  created_at: string;
  updated_at: string;
}

export interface LayoutFieldRecord {
  id: number;
  label: string;
  show_in_list: boolean;
  field_type: HuduFieldType;
  required: boolean;
  hint: string;
  min: number | null;
  max: number | null;
  linkable_id: number | null;
  expiration: boolean;
  options: string;
  position: number;
  is_destroyed: boolean;
  list_id: number | null;
  multiple_options: boolean;
}

export interface AssetLayoutRecord {
  id: number;
  slug: string;
  name: string;
  icon: string;
  color: string;
  icon_color: string;
  sidebar_folder_id: number | null;
  active: boolean;
  include_passwords: boolean;
  include_photos: boolean;
  include_comments: boolean;
  include_files: boolean;
  created_at: string;
  updated_at: string;
  fields: LayoutFieldRecord[];
}

export type CustomFieldValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

export interface AssetRecord {
  id: number;
  company_id: number;
  asset_layout_id: number;
  slug: string;
  name: string;
  primary_serial: string | null;
  primary_mail: string | null;
  primary_model: string | null;
  primary_manufacturer: string | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
  /** Values by layout field id. */
  values: Map<number, CustomFieldValue>;
}

/** A matcher: an integration's company linked (or suggested) to a Hudu company. */
export interface IntegrationRecord {
  id: number;
  integrator_id: number;
  integrator_name: string;
  sync_id: number;
  identifier: string | null;
  name: string;
  potential_company_id: number | null;
  company_id: number | null;
}

/** A Hudu-shaped failure the routes turn into a response. */
export class HuduProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Hudu ${status}`);
  }
}

export const notFound = (type: string, id: number | string) =>
  new HuduProblem(404, { error: 'Resource not found', details: `Couldn't find ${type} with 'id'=${id}` });

export const validationFailed = (details: string[]) =>
  new HuduProblem(422, { error: 'Validation failed', details });

const invalidCustomFields = (detail: string) =>
  new HuduProblem(422, { error: 'Invalid custom fields', details: [detail] });

const COMPANY_FIELDS = [
  'name',
  'nickname',
  'company_type',
  'address_line_1',
  'address_line_2',
  'city',
  'state',
  'zip',
  'country_name',
  'phone_number',
  'fax_number',
  'website',
  'id_number',
  'parent_company_id',
  'notes',
] as const;

const ASSET_FIELDS = [
  'name',
  'asset_layout_id',
  'primary_serial',
  'primary_mail',
  'primary_model',
  'primary_manufacturer',
  'custom_fields',
] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rails' parameter wrapping: `{"company":{…}}` and a flat JSON object both arrive as the company's
 * attributes. Only permitted attributes are kept; an empty result is Rails' "param is missing".
 */
export function permittedParams(body: unknown, wrapper: string, permitted: readonly string[]): Json {
  const source = isObject(body) && isObject(body[wrapper]) ? body[wrapper] : isObject(body) ? body : {};
  const params: Json = {};
  for (const key of permitted) if (key in source) params[key] = source[key];
  if (Object.keys(params).length === 0) {
    throw new HuduProblem(400, {
      error: 'Parameter missing',
      details: `param is missing or the value is empty: ${wrapper}`,
    });
  }
  return params;
}

/** Layout labels as custom_fields keys: lowercase, spaces (or underscores) as underscores. */
export const fieldKey = (label: string) =>
  label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');

const slugify = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'item';

const asText = (value: unknown): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : String(value);

const asInt = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isInteger(n) ? n : null;
};

export interface StoreOptions {
  /** Clock for created_at/updated_at. */
  now?: () => number;
}

export class HuduStore {
  companies = new Map<number, CompanyRecord>();
  assets = new Map<number, AssetRecord>();
  layouts = new Map<number, AssetLayoutRecord>();
  integrations = new Map<number, IntegrationRecord>();
  private nextId = { company: 1, asset: 1, layout: 1, field: 1, integration: 1 };
  private slugCounter = 0;
  private readonly now: () => number;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  clear() {
    this.companies.clear();
    this.assets.clear();
    this.layouts.clear();
    this.integrations.clear();
    this.nextId = { company: 1, asset: 1, layout: 1, field: 1, integration: 1 };
    this.slugCounter = 0;
  }

  private timestamp() {
    return new Date(this.now()).toISOString();
  }

  /** Hudu slugs: `<slugified name>-<12 hex>`; deterministic here so runs are reproducible. */
  private slug(name: string) {
    this.slugCounter += 1;
    const hex = ((this.slugCounter * 2654435761) >>> 0).toString(16).padStart(8, '0');
    return `${slugify(name)}-${hex}${this.slugCounter.toString(16).padStart(4, '0')}`.slice(-80);
  }

  // ---- seed -------------------------------------------------------------------------------------

  applySeed(seed: HuduSeed) {
    for (const layout of seed.assetLayouts) this.createLayout(layout);
    for (const company of seed.companies) {
      const created = this.createCompany({
        name: company.name,
        nickname: company.nickname,
        company_type: company.company_type,
        id_number: company.id_number,
        website: company.website,
        city: company.city,
        notes: company.notes,
      });
      if (company.archived) created.archived = true;
    }
  }

  createLayout(input: {
    name: string;
    icon?: string;
    color?: string;
    icon_color?: string;
    active?: boolean;
    fields: ReadonlyArray<{
      label: string;
      field_type: HuduFieldType;
      required?: boolean;
      show_in_list?: boolean;
      hint?: string;
      position?: number;
    }>;
  }): AssetLayoutRecord {
    const at = this.timestamp();
    const id = this.nextId.layout++;
    const layout: AssetLayoutRecord = {
      id,
      slug: ((id * 2654435761) >>> 0).toString(16).padStart(12, '0'),
      name: input.name,
      icon: input.icon ?? 'fas fa-circle',
      color: input.color ?? '#000000',
      icon_color: input.icon_color ?? '#ffffff',
      sidebar_folder_id: null,
      active: input.active ?? true,
      include_passwords: true,
      include_photos: true,
      include_comments: true,
      include_files: true,
      created_at: at,
      updated_at: at,
      fields: input.fields.map((field, index) => ({
        id: this.nextId.field++,
        label: field.label,
        show_in_list: field.show_in_list ?? false,
        field_type: field.field_type,
        required: field.required ?? false,
        hint: field.hint ?? '',
        min: null,
        max: null,
        linkable_id: null,
        expiration: false,
        options: '',
        position: field.position ?? index + 1,
        is_destroyed: false,
        list_id: null,
        multiple_options: false,
      })),
    };
    this.layouts.set(id, layout);
    return layout;
  }

  addIntegration(input: Omit<IntegrationRecord, 'id' | 'integrator_id'> & { integrator_id?: number }) {
    if (input.company_id !== null && !this.companies.has(input.company_id))
      throw notFound('Company', input.company_id);
    const record: IntegrationRecord = {
      ...input,
      integrator_id: input.integrator_id ?? 1,
      id: this.nextId.integration++,
    };
    this.integrations.set(record.id, record);
    return record;
  }

  // ---- companies --------------------------------------------------------------------------------

  getCompany(id: number) {
    const company = this.companies.get(id);
    if (!company) throw notFound('Company', id);
    return company;
  }

  private checkCompanyName(name: unknown, exceptId?: number) {
    if (typeof name !== 'string' || name.trim() === '') throw validationFailed(["Name can't be blank"]);
    for (const other of this.companies.values()) {
      if (other.id !== exceptId && other.name === name)
        throw validationFailed(['Name has already been taken']);
    }
  }

  private assignCompany(company: CompanyRecord, params: Json) {
    for (const key of COMPANY_FIELDS) {
      if (!(key in params)) continue;
      const value = params[key];
      if (key === 'parent_company_id') company.parent_company_id = asInt(value);
      else if (key === 'name') company.name = String(value);
      else if (key === 'notes') company.notes = asText(value) ?? '';
      else company[key] = asText(value);
    }
  }

  createCompany(params: Json): CompanyRecord {
    this.checkCompanyName(params['name']);
    const at = this.timestamp();
    const company: CompanyRecord = {
      id: this.nextId.company++,
      slug: '',
      name: '',
      nickname: null,
      address_line_1: null,
      address_line_2: null,
      city: null,
      state: null,
      zip: null,
      country_name: null,
      phone_number: null,
      company_type: null,
      parent_company_id: null,
      fax_number: null,
      website: null,
      notes: '',
      archived: false,
      id_number: null,
      created_at: at,
      updated_at: at,
    };
    this.assignCompany(company, params);
    company.slug = this.slug(company.name);
    this.companies.set(company.id, company);
    return company;
  }

  updateCompany(id: number, params: Json): CompanyRecord {
    const company = this.getCompany(id);
    if ('name' in params) this.checkCompanyName(params['name'], id);
    this.assignCompany(company, params);
    company.updated_at = this.timestamp();
    return company;
  }

  setCompanyArchived(id: number, archived: boolean) {
    const company = this.getCompany(id);
    company.archived = archived;
    company.updated_at = this.timestamp();
    return company;
  }

  // ---- assets -----------------------------------------------------------------------------------

  getAsset(companyId: number, id: number) {
    this.getCompany(companyId);
    const asset = this.assets.get(id);
    if (!asset || asset.company_id !== companyId) throw notFound('Asset', id);
    return asset;
  }

  /**
   * custom_fields as Hudu takes them: an array of single-key objects keyed by the layout field label in
   * snake_case (matched case-insensitively, spaces or underscores). Returns values by field id.
   */
  private customFieldValues(layout: AssetLayoutRecord, customFields: unknown): Map<number, CustomFieldValue> {
    if (!Array.isArray(customFields) || customFields.some((entry) => !isObject(entry))) {
      throw invalidCustomFields('custom_fields must be an array of objects (use [ ] not { }).');
    }
    const byKey = new Map(layout.fields.filter((f) => !f.is_destroyed).map((f) => [fieldKey(f.label), f]));
    const values = new Map<number, CustomFieldValue>();
    const unknown: string[] = [];
    for (const entry of customFields as Json[]) {
      for (const [key, value] of Object.entries(entry)) {
        const field = byKey.get(fieldKey(key));
        if (!field) unknown.push(key);
        else values.set(field.id, value as CustomFieldValue);
      }
    }
    if (unknown.length > 0) throw invalidCustomFields(`Invalid field names: ${unknown.join(', ')}`);
    return values;
  }

  private layoutFor(value: unknown): AssetLayoutRecord {
    const id = asInt(value);
    const layout = id === null ? undefined : this.layouts.get(id);
    if (!layout) throw validationFailed(['Asset layout must exist']);
    return layout;
  }

  createAsset(companyId: number, params: Json): AssetRecord {
    this.getCompany(companyId);
    const problems: string[] = [];
    if (typeof params['name'] !== 'string' || params['name'].trim() === '')
      problems.push("Name can't be blank");
    if (params['asset_layout_id'] === undefined || params['asset_layout_id'] === null) {
      problems.push('Asset layout must exist');
    }
    if (problems.length > 0) throw validationFailed(problems);
    const layout = this.layoutFor(params['asset_layout_id']);
    const values =
      'custom_fields' in params ? this.customFieldValues(layout, params['custom_fields']) : new Map();
    const at = this.timestamp();
    const name = String(params['name']);
    const asset: AssetRecord = {
      id: this.nextId.asset++,
      company_id: companyId,
      asset_layout_id: layout.id,
      slug: this.slug(name),
      name,
      primary_serial: asText(params['primary_serial']),
      primary_mail: asText(params['primary_mail']),
      primary_model: asText(params['primary_model']),
      primary_manufacturer: asText(params['primary_manufacturer']),
      archived: false,
      created_at: at,
      updated_at: at,
      values,
    };
    this.assets.set(asset.id, asset);
    return asset;
  }

  /**
   * Updates named attributes. When custom_fields is sent it replaces the asset's values: fields left out
   * are cleared (Hudu's own client re-sends every field on each PUT for this reason).
   */
  updateAsset(companyId: number, id: number, params: Json): AssetRecord {
    const asset = this.getAsset(companyId, id);
    if ('name' in params && (typeof params['name'] !== 'string' || params['name'].trim() === '')) {
      throw validationFailed(["Name can't be blank"]);
    }
    const layout =
      'asset_layout_id' in params
        ? this.layoutFor(params['asset_layout_id'])
        : this.layoutFor(asset.asset_layout_id);
    const values =
      'custom_fields' in params ? this.customFieldValues(layout, params['custom_fields']) : undefined;
    if ('name' in params) asset.name = String(params['name']);
    asset.asset_layout_id = layout.id;
    for (const key of ['primary_serial', 'primary_mail', 'primary_model', 'primary_manufacturer'] as const) {
      if (key in params) asset[key] = asText(params[key]);
    }
    if (values) asset.values = values;
    asset.updated_at = this.timestamp();
    return asset;
  }

  setAssetArchived(companyId: number, id: number, archived: boolean) {
    const asset = this.getAsset(companyId, id);
    asset.archived = archived;
    asset.updated_at = this.timestamp();
    return asset;
  }

  // ---- rendering --------------------------------------------------------------------------------

  renderCompany(company: CompanyRecord, origin: string) {
    const parent =
      company.parent_company_id === null ? undefined : this.companies.get(company.parent_company_id);
    const url = `/c/${company.slug}`;
    return {
      id: company.id,
      slug: company.slug,
      name: company.name,
      nickname: company.nickname,
      address_line_1: company.address_line_1,
      address_line_2: company.address_line_2,
      city: company.city,
      state: company.state,
      zip: company.zip,
      country_name: company.country_name,
      phone_number: company.phone_number,
      company_type: company.company_type,
      parent_company_id: company.parent_company_id,
      parent_company_name: parent?.name ?? null,
      fax_number: company.fax_number,
      website: company.website,
      notes: company.notes,
      archived: company.archived,
      object_type: 'Company',
      id_number: company.id_number,
      url,
      full_url: `${origin}${url}`,
      passwords_url: `${origin}${url}/passwords`,
      knowledge_base_url: `${origin}/kb/${company.slug}`,
      created_at: company.created_at,
      updated_at: company.updated_at,
      integrations: [...this.integrations.values()]
        .filter((i) => i.company_id === company.id)
        .map((i) => this.renderIntegration(i)),
    };
  }

  renderIntegration(integration: IntegrationRecord) {
    const company = integration.company_id === null ? undefined : this.companies.get(integration.company_id);
    return {
      id: integration.id,
      integrator_id: integration.integrator_id,
      integrator_name: integration.integrator_name,
      sync_id: integration.sync_id,
      identifier: integration.identifier,
      name: integration.name,
      potential_company_id: integration.potential_company_id,
      company_id: integration.company_id,
      company_name: company?.name ?? null,
    };
  }

  renderAsset(asset: AssetRecord, origin: string) {
    const layout = this.layouts.get(asset.asset_layout_id);
    const fields = (layout?.fields ?? [])
      .filter((field) => asset.values.has(field.id) && asset.values.get(field.id) !== null)
      .map((field) => ({
        id: field.id,
        label: field.label,
        value: asset.values.get(field.id) ?? null,
        position: field.position,
      }));
    return {
      id: asset.id,
      company_id: asset.company_id,
      asset_layout_id: asset.asset_layout_id,
      slug: asset.slug,
      name: asset.name,
      primary_serial: asset.primary_serial,
      primary_mail: asset.primary_mail,
      primary_model: asset.primary_model,
      primary_manufacturer: asset.primary_manufacturer,
      company_name: this.companies.get(asset.company_id)?.name ?? null,
      object_type: 'Asset',
      asset_type: layout?.name ?? null,
      archived: asset.archived,
      url: `${origin}/a/${asset.slug}`,
      created_at: asset.created_at,
      updated_at: asset.updated_at,
      fields,
      cards: [],
    };
  }

  renderLayout(layout: AssetLayoutRecord) {
    return { ...layout, fields: layout.fields.map((field) => ({ ...field })) };
  }

  /** Everything, archived included: what tests inspect through `/_sim/state`. */
  snapshot(origin: string) {
    return {
      companies: [...this.companies.values()].map((c) => this.renderCompany(c, origin)),
      assets: [...this.assets.values()].map((a) => this.renderAsset(a, origin)),
      asset_layouts: [...this.layouts.values()].map((l) => this.renderLayout(l)),
      integrations: [...this.integrations.values()].map((i) => this.renderIntegration(i)),
    };
  }
}

export { ASSET_FIELDS, COMPANY_FIELDS };
