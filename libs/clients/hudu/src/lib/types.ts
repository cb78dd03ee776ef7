/** Hudu's objects and inputs, as its REST API (v1) serves and takes them. */

/** A company's link to an integration's company (a matcher, inline). */
export interface HuduCompanyIntegration {
  id: number;
  integrator_id: number;
  integrator_name: string;
  sync_id: number;
  identifier: string | null;
  name: string;
  potential_company_id: number | null;
  company_id: number | null;
  company_name: string | null;
}

export interface HuduCompany {
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
  parent_company_name: string | null;
  fax_number: string | null;
  website: string | null;
  notes: string | null;
  archived: boolean;
  object_type: string;
  id_number: string | null;
  url: string;
  full_url: string;
  passwords_url: string;
  knowledge_base_url: string;
  created_at: string;
  updated_at: string;
  integrations: HuduCompanyIntegration[];
}

/** What `POST /companies` and `PUT /companies/{id}` take. */
export interface HuduCompanyInput {
  name?: string;
  nickname?: string | null;
  company_type?: string | null;
  address_line_1?: string | null;
  address_line_2?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country_name?: string | null;
  phone_number?: string | null;
  fax_number?: string | null;
  website?: string | null;
  id_number?: string | null;
  parent_company_id?: number | null;
  notes?: string | null;
}

export interface HuduCompanyFilters {
  name?: string;
  phone_number?: string;
  website?: string;
  city?: string;
  state?: string;
  id_number?: string;
  slug?: string;
  search?: string;
  /** The company's id or identifier in an integration (matcher `sync_id`/`identifier`). */
  id_in_integration?: string;
  /** `start,end` (ISO 8601, either side may be blank) or one timestamp. */
  updated_at?: string;
}

export interface HuduAssetField {
  id: number;
  label: string;
  value: unknown;
  position: number;
}

export interface HuduAssetCard {
  id: number;
  integrator_id: number;
  integrator_name: string;
  link: string | null;
  primary_field: string | null;
  data: unknown;
  sync_type: string | null;
  sync_id: number | null;
  sync_identifier: string | null;
}

export interface HuduAsset {
  id: number;
  company_id: number;
  asset_layout_id: number;
  slug: string;
  name: string;
  primary_serial: string | null;
  primary_mail: string | null;
  primary_model: string | null;
  primary_manufacturer: string | null;
  company_name: string | null;
  object_type: string;
  asset_type: string | null;
  archived: boolean;
  url: string;
  created_at: string;
  updated_at: string;
  fields: HuduAssetField[];
  cards: HuduAssetCard[];
}

/** One custom field value: text, number, date (`YYYY/MM/DD`), checkbox, address object, id or name lists. */
export type HuduCustomFieldValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

/** Hudu's custom_fields: an array of single-key objects keyed by the layout field label in snake_case. */
export type HuduCustomFields = Array<Record<string, HuduCustomFieldValue>>;

export interface HuduAssetInput {
  name?: string;
  asset_layout_id?: number;
  primary_serial?: string | null;
  primary_mail?: string | null;
  primary_model?: string | null;
  primary_manufacturer?: string | null;
  custom_fields?: HuduCustomFields;
}

export interface HuduAssetFilters {
  company_id?: number;
  id?: number;
  name?: string;
  primary_serial?: string;
  asset_layout_id?: number;
  /** true: only archived assets; otherwise only live ones. */
  archived?: boolean;
  slug?: string;
  search?: string;
  updated_at?: string;
}

export interface HuduAssetLayoutField {
  id: number;
  label: string;
  show_in_list: boolean;
  field_type: string;
  required: boolean | null;
  hint: string | null;
  min: number | null;
  max: number | null;
  linkable_id: number | null;
  expiration: boolean | null;
  options: string | null;
  position: number;
  is_destroyed: boolean;
  list_id: number | null;
  multiple_options: boolean | null;
}

export interface HuduAssetLayout {
  id: number;
  slug: string;
  name: string;
  icon: string | null;
  color: string | null;
  icon_color: string | null;
  sidebar_folder_id: number | null;
  active: boolean;
  include_passwords: boolean;
  include_photos: boolean;
  include_comments: boolean;
  include_files: boolean;
  created_at: string;
  updated_at: string;
  fields: HuduAssetLayoutField[];
}

export interface HuduAssetLayoutFilters {
  name?: string;
  slug?: string;
  active?: boolean;
  updated_at?: string;
}

export interface HuduApiInfo {
  version: string;
  date: string;
}

/** A page request: `page` is 1-based; `page_size` 1–1000 (Hudu's default is 25). */
export interface HuduPage {
  page?: number;
  page_size?: number;
}

export interface HuduJumpTarget {
  /** The integration's slug, e.g. `cw_manage`. */
  integrationSlug: string;
  /** The company's id in the integration (matcher `sync_id`). */
  integrationId?: number | string;
  /** Used when the integration's id is a string. */
  integrationIdentifier?: string;
}

/** `Serial Number` → `serial_number`: how Hudu keys custom_fields. */
export function customFieldKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

/** `{ 'Serial Number': 'X1' }` → `[{ serial_number: 'X1' }]`. */
export function customFields(values: Readonly<Record<string, HuduCustomFieldValue>>): HuduCustomFields {
  return Object.entries(values).map(([label, value]) => ({ [customFieldKey(label)]: value }));
}
