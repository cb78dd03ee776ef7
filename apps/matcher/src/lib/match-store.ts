/**
 * The matcher's state in MongoDB (FerretDB 1.x), designed around its limits:
 * - `matcher_companies`: one document per Manage company of an integration (latest snapshot, content hash,
 *   proposal), `_id` = `<integrationId>:<manageCompanyId>` so every read and write of one company is a point
 *   operation (any other filter is a scan on FerretDB 1.x: 190 ms per find on the medium dataset). Its only
 *   writer is the consumer of the integration's partition, so updates never race.
 * - `matcher_decisions`: an insert-only log of decisions per company. A decision is the insert of
 *   `seq = current + 1` under `_id` = `<integrationId>:<manageCompanyId>:<seq>`; the unique `_id` lets
 *   exactly one of two concurrent deciders win (the loser sees E11000 and re-reads), which FerretDB
 *   guarantees where it does not guarantee conditional updates of one document. Undo is an entry with
 *   `decision: null`. Seqs of a company are contiguous from 1, so its latest decision is found by point
 *   reads (latestDecision) instead of a scan.
 */
import type { ManageCompany } from '@cw-hudu-sync/contracts';
import type { MatchProposal } from '@cw-hudu-sync/matching';
import { isDuplicateKeyError, keyedId, migrateToKeyedIds } from '@cw-hudu-sync/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import type { DecisionRequest, RecordedDecision } from './match-rules';

export interface MatchCompanyDocument {
  /** `<integrationId>:<manageCompanyId>` (companyId()). */
  _id: string;
  integrationId: string;
  manageCompanyId: number;
  company: ManageCompany;
  contentHash: string;
  /** The latest proposal; absent until the Hudu mirror could be read. */
  proposal?: MatchProposal;
  proposedAt?: Date;
  /** The company disappeared from Manage (CompanyRemoved); it leaves the pending list. */
  removed: boolean;
  updatedAt: Date;
}

interface DecisionDocument extends RecordedDecision {
  /** `<integrationId>:<manageCompanyId>:<seq>` (decisionId()). */
  _id: string;
  integrationId: string;
  manageCompanyId: number;
}

const companySchema = new Schema<MatchCompanyDocument>(
  {
    _id: { type: String, required: true },
    integrationId: { type: String, required: true },
    manageCompanyId: { type: Number, required: true },
    company: { type: Schema.Types.Mixed, required: true },
    contentHash: { type: String, required: true },
    proposal: { type: Schema.Types.Mixed },
    proposedAt: Date,
    removed: { type: Boolean, default: false },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'matcher_companies', minimize: false },
);
companySchema.index({ integrationId: 1 });

/** The `_id` of a company's document. */
const companyId = (integrationId: string, manageCompanyId: number) => keyedId(integrationId, manageCompanyId);

const decisionSchema = new Schema<DecisionDocument>(
  {
    _id: { type: String, required: true },
    integrationId: { type: String, required: true },
    manageCompanyId: { type: Number, required: true },
    seq: { type: Number, required: true },
    decision: { type: String, default: null },
    huduCompanyId: Number,
    decidedBy: { type: String, required: true },
    at: { type: String, required: true },
    reasons: { type: [String], default: [] },
    causationId: String,
  },
  { versionKey: false, collection: 'matcher_decisions' },
);
decisionSchema.index({ integrationId: 1, manageCompanyId: 1 });

/** The `_id` of a company's decision number `seq`. */
const decisionId = (integrationId: string, manageCompanyId: number, seq: number) =>
  keyedId(integrationId, manageCompanyId, seq);
decisionSchema.index({ integrationId: 1, causationId: 1 });

function toDecision(doc: DecisionDocument): RecordedDecision {
  return {
    seq: doc.seq,
    decision: doc.decision ?? null,
    ...(doc.huduCompanyId !== undefined && doc.huduCompanyId !== null
      ? { huduCompanyId: doc.huduCompanyId }
      : {}),
    decidedBy: doc.decidedBy,
    at: doc.at,
    reasons: [...(doc.reasons ?? [])],
    ...(doc.causationId ? { causationId: doc.causationId } : {}),
  };
}

export class MatchStore {
  private readonly companies: Model<MatchCompanyDocument>;
  private readonly decisions: Model<DecisionDocument>;

  constructor(connection: Connection) {
    const model = <T>(name: string, definition: Schema<T>) =>
      (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, definition);
    this.companies = model('MatcherCompany', companySchema);
    this.decisions = model('MatcherDecision', decisionSchema);
  }

  /**
   * Creates the indexes the design relies on and gives companies stored before keyed ids their keyed `_id`
   * (idempotent; run before the consumer starts).
   */
  async ensureIndexes(): Promise<void> {
    await migrateToKeyedIds(
      this.companies.collection,
      (doc) => companyId(String(doc['integrationId']), Number(doc['manageCompanyId'])),
      ['integrationId_1_manageCompanyId_1'],
    );
    await migrateToKeyedIds(
      this.decisions.collection,
      (doc) => decisionId(String(doc['integrationId']), Number(doc['manageCompanyId']), Number(doc['seq'])),
      ['integrationId_1_manageCompanyId_1_seq_1'],
    );
    await this.companies.createIndexes();
    await this.decisions.createIndexes();
  }

  /** Stores the latest Manage snapshot (and proposal, when given). Consumer only. */
  async saveSnapshot(
    integrationId: string,
    company: ManageCompany,
    contentHash: string,
    proposal: MatchProposal | undefined,
  ): Promise<void> {
    const now = new Date();
    await this.companies.updateOne(
      { _id: companyId(integrationId, company.id) },
      {
        $set: {
          integrationId,
          manageCompanyId: company.id,
          company,
          contentHash,
          removed: false,
          updatedAt: now,
          ...(proposal ? { proposal, proposedAt: now } : {}),
        },
      },
      { upsert: true },
    );
  }

  /** Replaces a company's proposal. Consumer only. */
  async saveProposal(integrationId: string, manageCompanyId: number, proposal: MatchProposal): Promise<void> {
    await this.companies.updateOne(
      { _id: companyId(integrationId, manageCompanyId) },
      { $set: { proposal, proposedAt: new Date() } },
    );
  }

  /** Marks a company removed from Manage. Consumer only. */
  async markRemoved(integrationId: string, manageCompanyId: number): Promise<void> {
    await this.companies.updateOne(
      { _id: companyId(integrationId, manageCompanyId) },
      { $set: { removed: true, updatedAt: new Date() } },
    );
  }

  async company(integrationId: string, manageCompanyId: number): Promise<MatchCompanyDocument | undefined> {
    return (
      (await this.companies.findOne({ _id: companyId(integrationId, manageCompanyId) }).lean()) ?? undefined
    );
  }

  /** Every company of the integration, in Manage id order. */
  async allCompanies(integrationId: string): Promise<MatchCompanyDocument[]> {
    return this.companies.find({ integrationId }).sort({ manageCompanyId: 1 }).lean();
  }

  /**
   * The company's latest decision: seqs are contiguous from 1, so the highest one is found by point reads —
   * doubling until a seq is missing, then halving between the last found and the first missing
   * (2·log2(n) + 1 reads for n decisions; 2 for the usual single decision).
   */
  async latestDecision(
    integrationId: string,
    manageCompanyId: number,
  ): Promise<RecordedDecision | undefined> {
    const read = async (seq: number) =>
      (await this.decisions.findOne({ _id: decisionId(integrationId, manageCompanyId, seq) }).lean()) ??
      undefined;
    let found = await read(1);
    if (!found) return undefined;
    let missing = 2;
    for (;;) {
      const next = await read(missing);
      if (!next) break;
      found = next;
      missing *= 2;
    }
    // found.seq exists, missing does not: halve the gap.
    while (missing - found.seq > 1) {
      const middle = Math.floor((found.seq + missing) / 2);
      const next = await read(middle);
      if (next) found = next;
      else missing = middle;
    }
    return toDecision(found);
  }

  /** The current decision of every company of the integration that has one (undo entries included). */
  async latestDecisions(integrationId: string): Promise<Map<number, RecordedDecision>> {
    const docs = await this.decisions.find({ integrationId }).sort({ manageCompanyId: 1, seq: 1 }).lean();
    const latest = new Map<number, RecordedDecision>();
    for (const doc of docs) {
      const known = latest.get(doc.manageCompanyId);
      if (!known || known.seq < doc.seq) latest.set(doc.manageCompanyId, toDecision(doc));
    }
    return latest;
  }

  /**
   * Records a decision after `expectedSeq` (the seq of the decision the caller saw, 0 for none). Returns
   * the recorded decision, or undefined when someone else decided in between (re-read and try again).
   */
  async recordDecision(
    integrationId: string,
    manageCompanyId: number,
    expectedSeq: number,
    request: DecisionRequest,
    causationId?: string,
  ): Promise<RecordedDecision | undefined> {
    const decision: RecordedDecision = {
      seq: expectedSeq + 1,
      decision: request.decision,
      ...(request.decision === 'link' ? { huduCompanyId: request.huduCompanyId } : {}),
      decidedBy: request.decidedBy,
      at: new Date().toISOString(),
      reasons: request.reasons,
      ...(causationId ? { causationId } : {}),
    };
    try {
      await this.decisions.create({
        _id: decisionId(integrationId, manageCompanyId, decision.seq),
        integrationId,
        manageCompanyId,
        ...decision,
      });
      return decision;
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  }

  /** Decisions an event made (the policy at FetchCompleted), to republish them on redelivery. */
  async decisionsCausedBy(
    integrationId: string,
    causationId: string,
  ): Promise<Array<{ manageCompanyId: number; decision: RecordedDecision }>> {
    const docs = await this.decisions
      .find({ integrationId, causationId })
      .sort({ manageCompanyId: 1 })
      .lean();
    return docs.map((doc) => ({ manageCompanyId: doc.manageCompanyId, decision: toDecision(doc) }));
  }
}
