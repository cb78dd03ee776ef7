import type { Collection, Connection } from 'mongoose';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

/** The two scheduled kinds of sync: an incremental poll and a full reconcile. */
export type ScheduleKind = 'poll' | 'reconcile';

/** One scheduled sync slot of one integration, claimed by the fetcher replica that emits it. */
export interface ScheduleSlot {
  /** Deterministic: the same slot has the same id in every replica (see libs/fetcher/domain schedule.ts). */
  id: string;
  integrationId: string;
  kind: ScheduleKind;
  /** When the slot fell due. */
  slotAt: Date;
  /** When the next slot of this kind falls due, as the schedule was when this one was claimed. */
  nextAt: Date;
  /** The run the slot's SyncRequested starts. */
  runId: string;
}

interface SlotDocument {
  _id: string;
  integrationId: string;
  kind: ScheduleKind;
  slotAt: Date;
  nextAt: Date;
  runId: string;
  claimedBy: string;
  claimedAt: Date;
  /** Set by the claimer once the SyncRequested is in Kafka. */
  publishedAt?: Date;
}

interface TakeoverDocument {
  /** The slot id. */
  _id: string;
  takenBy: string;
  takenAt: Date;
}

export interface ScheduleSlotView extends ScheduleSlot {
  claimedBy: string;
  claimedAt: Date;
  publishedAt?: Date;
}

/**
 * `sync_schedule_slots`: insert-only claims of scheduled sync slots. Every fetcher replica computes the
 * same slot ids; the replica whose insert wins (the unique `_id` holds under concurrency on FerretDB,
 * unlike a compare-and-set on one document) publishes the slot's SyncRequested, so each slot is emitted
 * once however many replicas run. A claimer that dies before publishing leaves an unpublished slot; one
 * other replica takes it over (again by a unique insert, in `sync_schedule_takeovers`).
 */
export class ScheduleStore {
  private readonly slots: Collection<SlotDocument>;
  private readonly takeovers: Collection<TakeoverDocument>;

  constructor(db: Connection) {
    this.slots = db.collection<SlotDocument>('sync_schedule_slots');
    this.takeovers = db.collection<TakeoverDocument>('sync_schedule_takeovers');
  }

  async ensureIndexes(): Promise<void> {
    await this.slots.createIndex({ integrationId: 1, kind: 1, slotAt: -1 });
    await this.slots.createIndex({ publishedAt: 1, claimedAt: 1 });
  }

  /** True when this replica won the slot (and must publish it); false when another replica has it. */
  async claim(slot: ScheduleSlot, by: string, claimedAt = new Date()): Promise<boolean> {
    try {
      await this.slots.insertOne({
        _id: slot.id,
        integrationId: slot.integrationId,
        kind: slot.kind,
        slotAt: slot.slotAt,
        nextAt: slot.nextAt,
        runId: slot.runId,
        claimedBy: by,
        claimedAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The claimer (or the taker-over) records that the slot's SyncRequested is in Kafka. */
  async markPublished(slotId: string): Promise<void> {
    await this.slots.updateOne({ _id: slotId }, { $set: { publishedAt: new Date() } });
  }

  /** Slots claimed before `claimedBefore` and never published (their claimer died in between). */
  async orphans(claimedBefore: Date, limit = 50): Promise<ScheduleSlotView[]> {
    const docs = await this.slots
      .find({ publishedAt: { $exists: false }, claimedAt: { $lt: claimedBefore } })
      .sort({ claimedAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toView);
  }

  /** One replica wins the right to publish an orphaned slot (once per slot). */
  async takeOver(slotId: string, by: string): Promise<boolean> {
    try {
      await this.takeovers.insertOne({ _id: slotId, takenBy: by, takenAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The latest slot of one kind of one integration (what the admin sees as last/next). */
  async latest(integrationId: string, kind: ScheduleKind): Promise<ScheduleSlotView | undefined> {
    const doc = await this.slots.find({ integrationId, kind }).sort({ slotAt: -1 }).limit(1).next();
    return doc ? toView(doc) : undefined;
  }

  /** True when a slot of this kind due after `slotAt` exists (an older queued poll is then superseded). */
  async hasLaterSlot(integrationId: string, kind: ScheduleKind, slotAt: Date): Promise<boolean> {
    const doc = await this.slots.findOne({ integrationId, kind, slotAt: { $gt: slotAt } });
    return doc !== null;
  }

  /** Forgets an integration's slots (when it is deleted). */
  async forget(integrationId: string): Promise<void> {
    await this.slots.deleteMany({ integrationId });
  }
}

function toView(doc: SlotDocument): ScheduleSlotView {
  return {
    id: doc._id,
    integrationId: doc.integrationId,
    kind: doc.kind,
    slotAt: doc.slotAt,
    nextAt: doc.nextAt,
    runId: doc.runId,
    claimedBy: doc.claimedBy,
    claimedAt: doc.claimedAt,
    ...(doc.publishedAt ? { publishedAt: doc.publishedAt } : {}),
  };
}
