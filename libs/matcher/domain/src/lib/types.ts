import { z } from 'zod';

/** What matching needs of a Manage company (`/company/companies` record); extra fields are ignored. */
export interface ManageCompanyForMatching {
  /** Manage's numeric company record id (`companyrecordid` in a Manage link). */
  readonly id: number;
  /** Manage's short company code, e.g. `ACMECORP` (unique in Manage, max 30 characters). */
  readonly identifier: string;
  readonly name: string;
  readonly website?: string | null;
}

/** What matching needs of a Hudu company (`GET /api/v1/companies`); extra fields are ignored. */
export interface HuduCompanyForMatching {
  readonly id: number;
  readonly name: string;
  /** Hudu's free "ID number" field; MSPs often put the PSA company id or identifier there. */
  readonly id_number?: string | null;
  readonly website?: string | null;
  /** Archived companies are hidden from Hudu's lists but still hold the name and can still be matched. */
  readonly archived?: boolean | null;
}

/** Links recorded earlier (decisions taken, or imported from Hudu's own integration): Manage id → Hudu id. */
export type RecordedLinks = ReadonlyMap<number, number>;

const id = z.number().int().positive();

/** Parses a Manage company record (for instance a CompanyFetched payload's `record`) for matching. */
export const manageCompanyForMatchingSchema = z.looseObject({
  id,
  identifier: z.string(),
  name: z.string(),
  website: z.string().nullish(),
}) satisfies z.ZodType<ManageCompanyForMatching>;

/** Parses a Hudu company (as the Hudu API or the matcher's mirror of it returns it) for matching. */
export const huduCompanyForMatchingSchema = z.looseObject({
  id,
  name: z.string(),
  id_number: z.string().nullish(),
  website: z.string().nullish(),
  archived: z.boolean().nullish(),
}) satisfies z.ZodType<HuduCompanyForMatching>;
