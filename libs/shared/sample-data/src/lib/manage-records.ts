/**
 * Record shapes exactly as ConnectWise Manage returns them (REST API 3.0): field names as in the official
 * schema, nested references as small objects, `_info` as a flat string map with `lastUpdated`, and unset
 * properties omitted rather than null. Only the fields the sample data fills are listed.
 */

/** Manage's `_info`: a flat string map (`lastUpdated`, `updatedBy`, `*_href` links). */
export type ManageInfo = Record<string, string>;

export interface ManageReference {
  id: number;
  name: string;
  _info?: ManageInfo;
}

export interface ManageCompanyReference {
  id: number;
  identifier: string;
  name: string;
  _info?: ManageInfo;
}

export interface ManageCustomFieldValue {
  id: number;
  caption: string;
  type:
    'Text' | 'Number' | 'Date' | 'Checkbox' | 'Button' | 'Hyperlink' | 'Password' | 'Percent' | 'TextArea';
  entryMethod: 'Date' | 'EntryField' | 'List' | 'Option';
  numberOfDecimals: number;
  value: string | number | boolean | null;
  connectWiseId: string;
}

export interface ManageCompanyStatus {
  id: number;
  name: string;
  defaultFlag: boolean;
  inactiveFlag: boolean;
  notifyFlag: boolean;
  disallowSavingFlag: boolean;
  customNoteFlag: boolean;
  cancelOpenTracksFlag: boolean;
  _info: ManageInfo;
}

export interface ManageCompanyType {
  id: number;
  name: string;
  defaultFlag: boolean;
  vendorFlag: boolean;
  _info: ManageInfo;
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
  country?: { id: number; identifier?: string; name: string; _info?: ManageInfo };
  phoneNumber?: string;
  faxNumber?: string;
  website?: string;
  territory?: ManageReference;
  market?: ManageReference;
  accountNumber?: string;
  defaultContact?: ManageReference;
  dateAcquired?: string;
  annualRevenue?: number;
  numberOfEmployees?: number;
  leadFlag?: boolean;
  unsubscribeFlag?: boolean;
  deletedFlag?: boolean;
  dateDeleted?: string;
  deletedBy?: string;
  mobileGuid?: string;
  isVendorFlag?: boolean;
  types?: ManageReference[];
  site?: ManageReference;
  customFields?: ManageCustomFieldValue[];
  _info: ManageInfo;
}

export interface ManageConfigurationType {
  id: number;
  name: string;
  inactiveFlag: boolean;
  systemFlag: boolean;
  _info: ManageInfo;
}

/** Configuration statuses carry `description`, not `name`; the reference embedded in a configuration is `{id, name}`. */
export interface ManageConfigurationStatus {
  id: number;
  description: string;
  closedFlag: boolean;
  defaultFlag: boolean;
  _info: ManageInfo;
}

export interface ManageConfigurationQuestion {
  answerId: number;
  questionId: number;
  question: string;
  answer?: string;
  sequenceNumber: number;
  numberOfDecimals: number;
  fieldType: 'Date' | 'Hyperlink' | 'IPAddress' | 'Number' | 'Password' | 'Text' | 'TextArea';
  requiredFlag: boolean;
}

export interface ManageConfiguration {
  id: number;
  name: string;
  type: ManageReference;
  status?: ManageReference;
  company: ManageCompanyReference;
  contact?: ManageReference;
  site?: ManageReference;
  locationId?: number;
  businessUnitId?: number;
  deviceIdentifier?: string;
  serialNumber?: string;
  modelNumber?: string;
  tagNumber?: string;
  purchaseDate?: string;
  installationDate?: string;
  warrantyExpirationDate?: string;
  vendorNotes?: string;
  notes?: string;
  macAddress?: string;
  lastLoginName?: string;
  billFlag: boolean;
  ipAddress?: string;
  osType?: string;
  osInfo?: string;
  cpuSpeed?: string;
  ram?: string;
  manufacturer?: ManageReference;
  questions: ManageConfigurationQuestion[];
  activeFlag: boolean;
  mobileGuid: string;
  displayVendorFlag: boolean;
  showRemoteFlag: boolean;
  showAutomateFlag: boolean;
  needsRenewalFlag: boolean;
  _info: ManageInfo;
}

export interface ManageContactCommunicationItem {
  id: number;
  type: ManageReference;
  value: string;
  extension?: string;
  defaultFlag: boolean;
  domain?: string;
  communicationType: 'Email' | 'Fax' | 'Phone';
}

export interface ManageContact {
  id: number;
  firstName: string;
  lastName?: string;
  company?: ManageCompanyReference;
  site?: Partial<ManageReference>;
  inactiveFlag: boolean;
  title?: string;
  marriedFlag: boolean;
  childrenFlag: boolean;
  portalSecurityLevel?: number;
  disablePortalLoginFlag: boolean;
  unsubscribeFlag: boolean;
  mobileGuid: string;
  defaultPhoneType?: string;
  defaultPhoneNbr?: string;
  defaultBillingFlag: boolean;
  defaultFlag: boolean;
  companyLocation?: Partial<ManageReference>;
  communicationItems?: ManageContactCommunicationItem[];
  types: ManageReference[];
  customFields?: ManageCustomFieldValue[];
  ignoreDuplicates: boolean;
  _info: ManageInfo;
}
