import type { Collection, Connection } from 'mongoose';
import type { RecordKind } from '@cw-hudu-sync/contracts';
import type { CallbackAction, InboxEntry } from '@cw-hudu-sync/fetching';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

/** One accepted callback: written once on receipt, deleted once its record was re-read and its events published. */
interface InboxDocument {
  /** `${integrationId}:${MessageId}`: a delivery Manage repeats is stored once. */
  _id: string;
  integrationId: string;
  kind: RecordKind;
  manageId: number;
  action: CallbackAction;
  receivedAt: Date;
}

/**
 * `fetcher_callback_inbox`: accepted callbacks, durable before Manage gets its answer, so that none is lost
 * while Kafka (or Manage, for the re-read) is away. Insert-only plus delete (FerretDB 1.x loses concurrent
 * updates of one document; inserts and deletes of distinct documents are safe from any replica).
 */
export class CallbackInbox {
  private readonly collection: Collection<InboxDocument>;

  constructor(db: Connection) {
    this.collection = db.collection<InboxDocument>('fetcher_callback_inbox');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ receivedAt: 1 });
  }

  /** Stores an accepted callback; `duplicate` when this delivery was already stored (a Manage retry). */
  async add(
    messageId: string,
    entry: Omit<InboxEntry, 'id' | 'receivedAt'>,
    receivedAt = new Date(),
  ): Promise<'stored' | 'duplicate'> {
    try {
      await this.collection.insertOne({
        _id: `${entry.integrationId}:${messageId}`,
        integrationId: entry.integrationId,
        kind: entry.kind,
        manageId: entry.manageId,
        action: entry.action,
        receivedAt,
      });
      return 'stored';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  /** The oldest waiting callbacks (optionally leaving out integrations that are backing off). */
  async oldest(limit: number, excludeIntegrations: readonly string[] = []): Promise<InboxEntry[]> {
    const filter =
      excludeIntegrations.length > 0 ? { integrationId: { $nin: [...excludeIntegrations] } } : {};
    const docs = await this.collection.find(filter).sort({ receivedAt: 1, _id: 1 }).limit(limit).toArray();
    return docs.map((doc) => ({
      id: doc._id,
      integrationId: doc.integrationId,
      kind: doc.kind,
      manageId: doc.manageId,
      action: doc.action,
      receivedAt: doc.receivedAt,
    }));
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.collection.deleteMany({ _id: { $in: [...ids] } });
  }

  /** Callbacks waiting, per integration. */
  async pending(integrationId: string): Promise<number> {
    return this.collection.countDocuments({ integrationId });
  }
}

/**
 * `fetcher_callback_rejections`: one document per rejected callback that carried the integration's valid
 * URL token (forged or broken signatures, unknown keys, invalid payloads), for the admin's callback
 * health. Insert-only. Requests without a valid token are only counted in the metrics, so strangers cannot
 * fill the collection.
 */
export class CallbackRejections {
  private readonly collection: Collection<{ integrationId: string; reason: string; at: Date }>;

  constructor(db: Connection) {
    this.collection = db.collection('fetcher_callback_rejections');
  }

  async add(integrationId: string, reason: string): Promise<void> {
    await this.collection.insertOne({ integrationId, reason, at: new Date() });
  }
}
