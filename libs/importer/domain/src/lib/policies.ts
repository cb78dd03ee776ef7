import type { ManageCompany, ManageConfiguration } from '@cw-hudu-sync/contracts';
import type { AssetKind } from './layouts';

/** The integration options the importer follows (the same fields as the integration's options). */
export interface ImportOptions {
  skipInactiveCompanies: boolean;
  skipContacts: boolean;
  skipConfigurations: boolean;
  skippedConfigurationTypeIds: readonly number[];
}

export type MatchDecision = 'link' | 'create' | 'ignore';

/** What happens to a company in Hudu. */
export type CompanyPlan =
  { action: 'ignore' } | { action: 'skip'; reason: string } | { action: 'import'; archived: boolean };

/**
 * A decided company: ignored ones stay out of Hudu; inactive ones are skipped when the options say so,
 * otherwise imported archived; soft-deleted ones are archived (never deleted).
 */
export function planCompany(
  decision: MatchDecision,
  company: Pick<ManageCompany, 'inactive' | 'deleted'>,
  options: Pick<ImportOptions, 'skipInactiveCompanies'>,
): CompanyPlan {
  if (decision === 'ignore') return { action: 'ignore' };
  if (company.inactive && options.skipInactiveCompanies && !company.deleted) {
    return { action: 'skip', reason: 'inactive company (skipInactiveCompanies)' };
  }
  return { action: 'import', archived: company.inactive || company.deleted };
}

/** Where the importer stands with a company, as far as its records are concerned. */
export type CompanyStanding =
  | { state: 'undecided' }
  | { state: 'ignored' }
  | { state: 'skipped' }
  | { state: 'imported'; huduCompanyId: number };

export type RecordRoute =
  | { route: 'park'; reason: 'undecided' }
  | { route: 'drop'; reason: string }
  | { route: 'skip'; reason: string }
  | { route: 'import'; huduCompanyId: number };

/** Whether a configuration or contact is imported now, parked until its company is decided, or left out. */
export function routeRecord(
  kind: AssetKind,
  record: Pick<ManageConfiguration, 'typeId'> | object,
  standing: CompanyStanding,
  options: ImportOptions,
): RecordRoute {
  const skip = skipReason(kind, record, options);
  if (skip) return { route: 'skip', reason: skip };
  switch (standing.state) {
    case 'undecided':
      return { route: 'park', reason: 'undecided' };
    case 'ignored':
      return { route: 'drop', reason: 'the company is not imported (match ignored)' };
    case 'skipped':
      return { route: 'skip', reason: 'inactive company (skipInactiveCompanies)' };
    case 'imported':
      return { route: 'import', huduCompanyId: standing.huduCompanyId };
  }
}

/** Why the options leave this record out, if they do. */
export function skipReason(
  kind: AssetKind,
  record: Pick<ManageConfiguration, 'typeId'> | object,
  options: ImportOptions,
): string | undefined {
  if (kind === 'contact') return options.skipContacts ? 'contacts are skipped (skipContacts)' : undefined;
  if (options.skipConfigurations) return 'configurations are skipped (skipConfigurations)';
  const typeId = (record as Partial<Pick<ManageConfiguration, 'typeId'>>).typeId;
  if (typeId !== undefined && options.skippedConfigurationTypeIds.includes(typeId)) {
    return `configuration type ${typeId} is skipped (skippedConfigurationTypeIds)`;
  }
  return undefined;
}
