import { z } from 'zod';

/**
 * The product's view of Manage records: what the fetcher reads, hashes and publishes. Only fields the
 * sync uses, flattened, validated on both ends. Strings are bounded so that a hostile 10 MB field is
 * rejected with a reason instead of travelling through the pipeline.
 */
const text = (max = 1_000) => z.string().max(max);
const optionalText = (max = 1_000) => text(max).optional();
export const manageIdSchema = z.number().int().positive();

export const manageCompanySchema = z.looseObject({
  id: manageIdSchema,
  identifier: text(100).min(1),
  name: text(200).min(1),
  statusName: optionalText(100),
  /** The company's status is one Manage marks inactive. */
  inactive: z.boolean(),
  /** Soft-deleted in Manage (deletedFlag). */
  deleted: z.boolean(),
  addressLine1: optionalText(),
  addressLine2: optionalText(),
  city: optionalText(100),
  state: optionalText(100),
  zip: optionalText(50),
  country: optionalText(100),
  phoneNumber: optionalText(100),
  faxNumber: optionalText(100),
  website: optionalText(500),
  typeNames: z.array(text(100)).max(50).default([]),
  lastUpdated: optionalText(40),
});
export type ManageCompany = z.infer<typeof manageCompanySchema>;

export const manageConfigurationSchema = z.looseObject({
  id: manageIdSchema,
  companyId: manageIdSchema,
  name: text(200).min(1),
  typeId: manageIdSchema,
  typeName: text(200),
  statusName: optionalText(100),
  active: z.boolean(),
  serialNumber: optionalText(200),
  modelNumber: optionalText(200),
  tagNumber: optionalText(200),
  manufacturer: optionalText(200),
  ipAddress: optionalText(100),
  macAddress: optionalText(100),
  osType: optionalText(200),
  osInfo: optionalText(500),
  lastLoginName: optionalText(200),
  contactName: optionalText(200),
  purchaseDate: optionalText(40),
  installationDate: optionalText(40),
  warrantyExpirationDate: optionalText(40),
  notes: optionalText(65_535),
  lastUpdated: optionalText(40),
});
export type ManageConfiguration = z.infer<typeof manageConfigurationSchema>;

export const manageContactSchema = z.looseObject({
  id: manageIdSchema,
  companyId: manageIdSchema,
  firstName: optionalText(100),
  lastName: optionalText(100),
  title: optionalText(200),
  email: optionalText(254),
  phone: optionalText(100),
  mobile: optionalText(100),
  inactive: z.boolean(),
  primary: z.boolean().default(false),
  notes: optionalText(65_535),
  lastUpdated: optionalText(40),
});
export type ManageContact = z.infer<typeof manageContactSchema>;

export const recordKindSchema = z.enum(['company', 'configuration', 'contact']);
export type RecordKind = z.infer<typeof recordKindSchema>;
