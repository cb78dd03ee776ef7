/**
 * The Manage records the fetcher maps, as ConnectWise Manage (REST API 3.0) returns them. These shapes are
 * structurally compatible with the Manage client's types (`@cw-hudu-sync/manage-client`), which a domain
 * library may not import: only what the mapping reads is named, every other field passes as `unknown`.
 * Real payloads are untidy (empty `site: {}`, `value: null`, absent fields), so the mapping reads defensively.
 */
export type ManageInfo = Record<string, string>;

export interface ManageReferenceRecord {
  id: number;
  name?: string;
  identifier?: string;
  _info?: ManageInfo;
}

export interface ManageCompanyStatusRecord {
  id: number;
  name: string;
  inactiveFlag?: boolean;
  [field: string]: unknown;
}

export interface ManageConfigurationTypeRecord {
  id: number;
  name: string;
  inactiveFlag?: boolean;
  [field: string]: unknown;
}

export interface ManageConfigurationStatusRecord {
  id: number;
  description: string;
  closedFlag?: boolean;
  [field: string]: unknown;
}

export interface ManageCompanyRecord {
  id: number;
  identifier: string;
  name: string;
  status?: ManageReferenceRecord;
  deletedFlag?: boolean;
  types?: ManageReferenceRecord[];
  _info?: ManageInfo;
  [field: string]: unknown;
}

export interface ManageConfigurationRecord {
  id: number;
  name: string;
  type?: ManageReferenceRecord;
  status?: ManageReferenceRecord;
  company?: ManageReferenceRecord;
  contact?: ManageReferenceRecord;
  activeFlag?: boolean;
  _info?: ManageInfo;
  [field: string]: unknown;
}

export interface ManageCommunicationItemRecord {
  id?: number;
  type?: ManageReferenceRecord;
  value?: string;
  extension?: string;
  defaultFlag?: boolean;
  communicationType?: 'Email' | 'Fax' | 'Phone';
}

export interface ManageContactRecord {
  id: number;
  firstName?: string;
  lastName?: string;
  company?: ManageReferenceRecord;
  inactiveFlag?: boolean;
  communicationItems?: ManageCommunicationItemRecord[];
  _info?: ManageInfo;
  [field: string]: unknown;
}
