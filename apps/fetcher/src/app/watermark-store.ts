import type { Collection, Connection } from 'mongoose';
import type { RecordKind } from '@cw-hudu-sync/contracts';
import { watermarkId } from '@cw-hudu-sync/fetching';

interface WatermarkDocument {
  /** `${integrationId}:${kind}` */
  _id: string;
  /** The latest Manage `lastUpdated` stamp of a record whose events were published. */
  lastUpdated: string;
  updatedAt: Date;
}

/** `fetcher_watermarks`: where an incremental fetch of one integration's kind starts (one writer: the partition owner). */
export class WatermarkStore {
  private readonly collection: Collection<WatermarkDocument>;

  constructor(db: Connection) {
    this.collection = db.collection<WatermarkDocument>('fetcher_watermarks');
  }

  async get(integrationId: string, kind: RecordKind): Promise<string | undefined> {
    const doc = await this.collection.findOne({ _id: watermarkId(integrationId, kind) });
    return doc?.lastUpdated;
  }

  async set(integrationId: string, kind: RecordKind, lastUpdated: string): Promise<void> {
    await this.collection.updateOne(
      { _id: watermarkId(integrationId, kind) },
      { $set: { lastUpdated, updatedAt: new Date() } },
      { upsert: true },
    );
  }
}
