import { type Connection, type Model, Schema } from 'mongoose';
import type { MappedFields } from '@cw-hudu-sync/importing';
import { keyedId, migrateToKeyedIds } from '@cw-hudu-sync/persistence';

/**
 * The importer's own state. Each document has one writer: the consumer that owns the integration's
 * partition (every event is keyed by integration id), so plain upserts are safe on FerretDB 1.x.
 * Mapped values are stored as JSON text: layout labels can hold dots, which MongoDB keys cannot.
 */

export interface CompanyStateDocument {
  /** `<integrationId>:<manageCompanyId>` (companyStateId): each read and write of one company is a point operation. */
  _id: string;
  integrationId: string;
  manageCompanyId: number;
  decision: 'link' | 'create' | 'ignore';
  /** 'imported' (in Hudu), 'skipped' (inactive, left out), 'ignored' (match ignored). */
  standing: 'imported' | 'skipped' | 'ignored';
  huduCompanyId?: number;
  huduUrl?: string;
  huduName?: string;
  identifier?: string;
  archived?: boolean;
  lastPushedHash?: string;
  lastPushedFields?: string;
  /** Set before a create in Hudu, cleared once the created company is recorded. */
  pendingCreate?: Date;
  updatedAt?: Date;
}

export interface RecordStateDocument {
  integrationId: string;
  kind: 'configuration' | 'contact';
  manageId: number;
  manageCompanyId: number;
  huduAssetId?: number;
  huduCompanyId?: number;
  layoutId?: number;
  archived?: boolean;
  lastPushedHash?: string;
  lastPushedFields?: string;
  pendingCreate?: Date;
  updatedAt?: Date;
}

export interface ParkedDocument {
  integrationId: string;
  kind: 'configuration' | 'contact';
  manageId: number;
  manageCompanyId: number;
  /** 'undecided': the company's match is not decided; 'blocked': the kind's layout is missing or inactive. */
  reason: 'undecided' | 'blocked';
  /** The Fetched event's payload, as JSON. */
  payload: string;
  runId?: string;
  parkedAt: Date;
}

const companySchema = new Schema<CompanyStateDocument>(
  {
    _id: { type: String, required: true },
    integrationId: { type: String, required: true },
    manageCompanyId: { type: Number, required: true },
    decision: { type: String, required: true },
    standing: { type: String, required: true },
    huduCompanyId: Number,
    huduUrl: String,
    huduName: String,
    identifier: String,
    archived: Boolean,
    lastPushedHash: String,
    lastPushedFields: String,
    pendingCreate: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'importer_companies' },
);
companySchema.index({ integrationId: 1 });

/**
 * The `_id` of a company's state. On FerretDB 1.x any filter but `{ _id }` is a scan of the collection: by
 * (integrationId, manageCompanyId) the importer's company reads and writes took ~42 ms each on the medium
 * dataset, 67 s of database time in one import.
 */
export const companyStateId = (integrationId: string, manageCompanyId: number): string =>
  keyedId(integrationId, manageCompanyId);

const recordSchema = new Schema<RecordStateDocument>(
  {
    integrationId: { type: String, required: true },
    kind: { type: String, required: true },
    manageId: { type: Number, required: true },
    manageCompanyId: { type: Number, required: true },
    huduAssetId: Number,
    huduCompanyId: Number,
    layoutId: Number,
    archived: Boolean,
    lastPushedHash: String,
    lastPushedFields: String,
    pendingCreate: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'importer_records' },
);
recordSchema.index({ integrationId: 1, kind: 1, manageId: 1 }, { unique: true });

const parkedSchema = new Schema<ParkedDocument>(
  {
    integrationId: { type: String, required: true },
    kind: { type: String, required: true },
    manageId: { type: Number, required: true },
    manageCompanyId: { type: Number, required: true },
    reason: { type: String, required: true },
    payload: { type: String, required: true },
    runId: String,
    parkedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'importer_parked' },
);
parkedSchema.index({ integrationId: 1, kind: 1, manageId: 1 }, { unique: true });
parkedSchema.index({ integrationId: 1, manageCompanyId: 1 });

/**
 * A create in Hudu about to happen for a record (batch mode): inserted before the create, deleted once the
 * record's link is written. Insert-only marks (FerretDB inserts are cheap, in-place upserts are not); a
 * mark left behind by a crash makes the next attempt look for the asset it may have created.
 */
export interface PendingCreateDocument {
  integrationId: string;
  kind: 'configuration' | 'contact';
  manageId: number;
  at: Date;
}

const pendingSchema = new Schema<PendingCreateDocument>(
  {
    integrationId: { type: String, required: true },
    kind: { type: String, required: true },
    manageId: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'importer_pending_creates' },
);
pendingSchema.index({ integrationId: 1, kind: 1, manageId: 1 });

export interface ImporterState {
  companies: Model<CompanyStateDocument>;
  records: Model<RecordStateDocument>;
  parked: Model<ParkedDocument>;
  pending: Model<PendingCreateDocument>;
}

export async function importerState(connection: Connection): Promise<ImporterState> {
  const model = <T>(name: string, schema: Schema<T>) =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  const companies = model('ImporterCompany', companySchema);
  // Company states written before keyed ids get theirs (idempotent; before the consumer starts).
  await migrateToKeyedIds(
    companies.collection,
    (doc) => companyStateId(String(doc['integrationId']), Number(doc['manageCompanyId'])),
    ['integrationId_1_manageCompanyId_1'],
  );
  const state = {
    companies,
    records: model('ImporterRecord', recordSchema),
    parked: model('ImporterParked', parkedSchema),
    pending: model('ImporterPendingCreate', pendingSchema),
  };
  await Promise.all([
    state.companies.init(),
    state.records.init(),
    state.parked.init(),
    state.pending.init(),
  ]);
  return state;
}

export function readFields(json: string | undefined): MappedFields | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as MappedFields;
  } catch {
    return undefined;
  }
}
