import { type Connection, type Model, Schema } from 'mongoose';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

/** One Manage company's place in Hudu, per integration: what a jump resolves through. */
export interface CompanyLink {
  integrationId: string;
  manageCompanyId: number;
  huduCompanyId: number;
  huduUrl: string;
  manageIdentifier?: string;
  updatedAt: string;
}

interface CompanyLinkDocument {
  /** `<integrationId>:<manageCompanyId>`: the key itself makes the pair unique. */
  _id: string;
  integrationId: string;
  manageCompanyId: number;
  huduCompanyId: number;
  huduUrl: string;
  manageIdentifier?: string;
  updatedAt: Date;
}

const schema = new Schema<CompanyLinkDocument>(
  {
    _id: { type: String, required: true },
    integrationId: { type: String, required: true },
    manageCompanyId: { type: Number, required: true },
    huduCompanyId: { type: Number, required: true },
    huduUrl: { type: String, required: true },
    manageIdentifier: String,
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'link_companies', autoIndex: false },
);
schema.index({ integrationId: 1, manageCompanyId: 1 }, { unique: true });
schema.index({ integrationId: 1, manageIdentifier: 1 });

const keyOf = (integrationId: string, manageCompanyId: number) => `${integrationId}:${manageCompanyId}`;

/**
 * The link service's own table (`link_companies`), fed by CompanyImported. Writes are idempotent upserts
 * of one document per company, and one consumer (the owner of the integration's partition) writes it.
 */
export class LinkStore {
  private readonly model: Model<CompanyLinkDocument>;

  constructor(connection: Connection) {
    this.model =
      (connection.models['CompanyLink'] as Model<CompanyLinkDocument> | undefined) ??
      connection.model<CompanyLinkDocument>('CompanyLink', schema);
  }

  /** Creates the indexes (idempotent). */
  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Records where a company lives in Hudu. Running it twice with the same input changes nothing. */
  async upsert(link: Omit<CompanyLink, 'updatedAt'>): Promise<void> {
    const set: Record<string, unknown> = {
      integrationId: link.integrationId,
      manageCompanyId: link.manageCompanyId,
      huduCompanyId: link.huduCompanyId,
      huduUrl: link.huduUrl,
      updatedAt: new Date(),
    };
    // An identifier we do not know this time keeps the one we learnt before.
    if (link.manageIdentifier !== undefined) set['manageIdentifier'] = link.manageIdentifier;
    const filter = { _id: keyOf(link.integrationId, link.manageCompanyId) };
    try {
      await this.model.updateOne(filter, { $set: set }, { upsert: true });
    } catch (error) {
      // Two upserts raced to insert: the other one created it, so this one is an update.
      if (!isDuplicateKeyError(error)) throw error;
      await this.model.updateOne(filter, { $set: set });
    }
  }

  async findByManageId(integrationId: string, manageCompanyId: number): Promise<CompanyLink | undefined> {
    const found = await this.model.findById(keyOf(integrationId, manageCompanyId)).lean();
    return found ? toLink(found) : undefined;
  }

  /** The company with this Manage identifier; undefined when none (or when it is not unique). */
  async findByIdentifier(integrationId: string, manageIdentifier: string): Promise<CompanyLink | undefined> {
    const found = await this.model.find({ integrationId, manageIdentifier }).limit(2).lean();
    return found.length === 1 && found[0] ? toLink(found[0]) : undefined;
  }
}

function toLink(doc: CompanyLinkDocument): CompanyLink {
  return {
    integrationId: doc.integrationId,
    manageCompanyId: doc.manageCompanyId,
    huduCompanyId: doc.huduCompanyId,
    huduUrl: doc.huduUrl,
    ...(doc.manageIdentifier ? { manageIdentifier: doc.manageIdentifier } : {}),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}
