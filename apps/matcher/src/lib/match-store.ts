/**
 * The matcher's state in MongoDB (FerretDB 1.x), designed around its limits:
 * - `matcher_companies`: one document per Manage company of an integration (latest snapshot, content hash,
 *   proposal). Its only writer is the consumer of the integration's partition, so updates never race.
 * - `matcher_decisions`: an insert-only log of decisions per company. A decision is the insert of
 *   `seq = current + 1`; the unique index (integrationId, manageCompanyId, seq) lets exactly one of two
 *   concurrent deciders win (the loser sees E11000 and re-reads), which FerretDB guarantees where it does
 *   not guarantee conditional updates of one document. Undo is an entry with `decision: null`.
 */
import type { ManageCompany } from '@cw-hudu-sync/contracts';
import type { MatchProposal } from '@cw-hudu-sync/matching';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import type { DecisionRequest, RecordedDecision } from './match-rules';

export interface MatchCompanyDocument {
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
  integrationId: string;
  manageCompanyId: number;
}

const companySchema = new Schema<MatchCompanyDocument>(
  {
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
companySchema.index({ integrationId: 1, manageCompanyId: 1 }, { unique: true });

const decisionSchema = new Schema<DecisionDocument>(
  {
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
decisionSchema.index({ integrationId: 1, manageCompanyId: 1, seq: 1 }, { unique: true });
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

  /** Creates the unique indexes the design relies on (idempotent). */
  async ensureIndexes(): Promise<void> {
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
      { integrationId, manageCompanyId: company.id },
      {
        $set: {
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
      { integrationId, manageCompanyId },
      { $set: { proposal, proposedAt: new Date() } },
    );
  }

  /** Marks a company removed from Manage. Consumer only. */
  async markRemoved(integrationId: string, manageCompanyId: number): Promise<void> {
    await this.companies.updateOne(
      { integrationId, manageCompanyId },
      { $set: { removed: true, updatedAt: new Date() } },
    );
  }

  async company(integrationId: string, manageCompanyId: number): Promise<MatchCompanyDocument | undefined> {
    return (await this.companies.findOne({ integrationId, manageCompanyId }).lean()) ?? undefined;
  }

  /** Every company of the integration, in Manage id order. */
  async allCompanies(integrationId: string): Promise<MatchCompanyDocument[]> {
    return this.companies.find({ integrationId }).sort({ manageCompanyId: 1 }).lean();
  }

  async latestDecision(
    integrationId: string,
    manageCompanyId: number,
  ): Promise<RecordedDecision | undefined> {
    const [doc] = await this.decisions
      .find({ integrationId, manageCompanyId })
      .sort({ seq: -1 })
      .limit(1)
      .lean();
    return doc ? toDecision(doc) : undefined;
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
      await this.decisions.create({ integrationId, manageCompanyId, ...decision });
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
