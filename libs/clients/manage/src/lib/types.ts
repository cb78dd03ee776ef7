import { z } from 'zod';

/**
 * ConnectWise Manage entities as the REST API (3.0) returns them. Field names follow the official schema
 * (checked against connectwise-rest's generated types in the specs); unset fields are absent, never null.
 * The runtime schemas check only what the sync relies on and let every other field through unchanged.
 */

const info = z.record(z.string(), z.string());
const reference = z.looseObject({ id: z.number(), name: z.string().optional(), _info: info.optional() });
const companyReference = z.looseObject({
  id: z.number(),
  identifier: z.string().optional(),
  name: z.string().optional(),
  _info: info.optional(),
});

export const manageCompanySchema = z.looseObject({
  id: z.number(),
  identifier: z.string(),
  name: z.string(),
  status: reference.optional(),
  deletedFlag: z.boolean().optional(),
  types: z.array(reference).optional(),
  _info: info.optional(),
});

export const manageConfigurationSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  type: reference.optional(),
  status: reference.optional(),
  company: companyReference.optional(),
  contact: reference.optional(),
  activeFlag: z.boolean().optional(),
  _info: info.optional(),
});

const communicationItem = z.looseObject({
  id: z.number().optional(),
  type: reference.optional(),
  value: z.string().optional(),
  defaultFlag: z.boolean().optional(),
  communicationType: z.enum(['Email', 'Fax', 'Phone']).optional(),
});

export const manageContactSchema = z.looseObject({
  id: z.number(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: companyReference.optional(),
  inactiveFlag: z.boolean().optional(),
  communicationItems: z.array(communicationItem).optional(),
  _info: info.optional(),
});

export const manageCompanyStatusSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  inactiveFlag: z.boolean().optional(),
  _info: info.optional(),
});
export const manageConfigurationTypeSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  inactiveFlag: z.boolean().optional(),
  _info: info.optional(),
});
export const manageConfigurationStatusSchema = z.looseObject({
  id: z.number(),
  description: z.string(),
  closedFlag: z.boolean().optional(),
  _info: info.optional(),
});

export type ManageInfo = Record<string, string>;
export interface ManageReference {
  id: number;
  name?: string;
  _info?: ManageInfo;
}
export interface ManageCompanyReference extends ManageReference {
  identifier?: string;
}

export interface ManageCompany {
  id: number;
  identifier: string;
  name: string;
  status?: ManageReference;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: ManageReference & { identifier?: string };
  phoneNumber?: string;
  website?: string;
  deletedFlag?: boolean;
  dateDeleted?: string;
  deletedBy?: string;
  types?: ManageReference[];
  site?: ManageReference;
  _info?: ManageInfo;
  [field: string]: unknown;
}

export interface ManageConfiguration {
  id: number;
  name: string;
  type?: ManageReference;
  status?: ManageReference;
  company?: ManageCompanyReference;
  contact?: ManageReference;
  serialNumber?: string;
  modelNumber?: string;
  tagNumber?: string;
  macAddress?: string;
  ipAddress?: string;
  osType?: string;
  notes?: string;
  activeFlag?: boolean;
  _info?: ManageInfo;
  [field: string]: unknown;
}

export interface ManageContactCommunicationItem {
  id?: number;
  type?: ManageReference;
  value?: string;
  extension?: string;
  defaultFlag?: boolean;
  domain?: string;
  communicationType?: 'Email' | 'Fax' | 'Phone';
}

export interface ManageContact {
  id: number;
  firstName?: string;
  lastName?: string;
  company?: ManageCompanyReference;
  title?: string;
  inactiveFlag?: boolean;
  defaultFlag?: boolean;
  communicationItems?: ManageContactCommunicationItem[];
  _info?: ManageInfo;
  [field: string]: unknown;
}

export interface ManageCompanyStatus {
  id: number;
  name: string;
  inactiveFlag?: boolean;
  defaultFlag?: boolean;
  _info?: ManageInfo;
  [field: string]: unknown;
}
export interface ManageConfigurationType {
  id: number;
  name: string;
  inactiveFlag?: boolean;
  _info?: ManageInfo;
  [field: string]: unknown;
}
export interface ManageConfigurationStatus {
  id: number;
  description: string;
  closedFlag?: boolean;
  _info?: ManageInfo;
  [field: string]: unknown;
}

/** The listable resources, their API paths and record types. */
export interface ManageEntities {
  companies: ManageCompany;
  configurations: ManageConfiguration;
  contacts: ManageContact;
  companyStatuses: ManageCompanyStatus;
  configurationTypes: ManageConfigurationType;
  configurationStatuses: ManageConfigurationStatus;
}
export type ManageEntityName = keyof ManageEntities;

export const manageEntityPaths: Record<ManageEntityName, string> = {
  companies: '/company/companies',
  configurations: '/company/configurations',
  contacts: '/company/contacts',
  companyStatuses: '/company/companies/statuses',
  configurationTypes: '/company/configurations/types',
  configurationStatuses: '/company/configurations/statuses',
};

export const manageEntitySchemas: Record<ManageEntityName, z.ZodType<{ id: number }>> = {
  companies: manageCompanySchema,
  configurations: manageConfigurationSchema,
  contacts: manageContactSchema,
  companyStatuses: manageCompanyStatusSchema,
  configurationTypes: manageConfigurationTypeSchema,
  configurationStatuses: manageConfigurationStatusSchema,
};

/** `/system/info`. */
export interface ManageSystemInfo {
  version?: string;
  isCloud?: boolean;
  serverTimeZone?: string;
  cloudRegion?: string;
  [field: string]: unknown;
}

/** `/login/companyinfo/{companyId}` (PascalCase keys). */
export interface ManageCompanyInfo {
  CompanyName?: string;
  Codebase: string;
  VersionCode?: string;
  VersionNumber?: string;
  CompanyID?: string;
  IsCloud?: boolean | string;
  SiteUrl?: string;
}

/** Manage's error body `{code, message, errors[]}` (429 bodies use `error` instead of `code`). */
export interface ManageErrorBody {
  code?: string;
  error?: string;
  message?: string;
  errors?: Array<{ code?: string; message?: string; resource?: string; field?: string }> | null;
}
