import { randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

interface LeaseDocument {
  /** `callbacks:<slot, zero-padded>` */
  _id: string;
  owner: string;
  at: Date;
}

/**
 * Which fetcher replica drains the callback inbox (one writer of the snapshots and health documents it
 * touches). Insert-only, as FerretDB 1.x demands: time is cut into slots of `slotMs`; the replica whose
 * insert of a slot's document succeeds (a unique `_id`) owns that slot. The owner claims the next slot in
 * the last third of its own, so it keeps the lease while alive; when it dies, another replica wins a later
 * slot (within two slots). Old slot documents are deleted by the owner.
 */
export class DrainerLease {
  private readonly collection: Collection<LeaseDocument>;
  private readonly won = new Set<number>();
  private readonly lost = new Set<number>();
  private lastPruned = 0;

  constructor(
    db: Connection,
    readonly owner: string = randomUUID(),
    private readonly slotMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.collection = db.collection<LeaseDocument>('fetcher_callback_leases');
  }

  /** True while this replica owns the current slot (claiming it, and the next one when due). */
  async holds(): Promise<boolean> {
    const now = this.now();
    const slot = Math.floor(now / this.slotMs);
    if (!(await this.claim(slot))) return false;
    if (now - slot * this.slotMs >= (this.slotMs * 2) / 3) await this.claim(slot + 1);
    if (slot - this.lastPruned >= 10) {
      this.lastPruned = slot;
      await this.collection.deleteMany({ _id: { $lt: this.id(slot - 5) } }).catch(() => undefined);
    }
    return true;
  }

  private async claim(slot: number): Promise<boolean> {
    if (this.won.has(slot)) return true;
    if (this.lost.has(slot)) return false;
    for (const known of [...this.won, ...this.lost]) {
      if (known < slot - 2) {
        this.won.delete(known);
        this.lost.delete(known);
      }
    }
    try {
      await this.collection.insertOne({ _id: this.id(slot), owner: this.owner, at: new Date(this.now()) });
      this.won.add(slot);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // our own insert may have succeeded with its answer lost: the document says who owns the slot
      const doc = await this.collection.findOne({ _id: this.id(slot) });
      const mine = doc?.owner === this.owner;
      (mine ? this.won : this.lost).add(slot);
      return mine;
    }
  }

  private id(slot: number): string {
    return `callbacks:${String(Math.max(0, slot)).padStart(14, '0')}`;
  }
}
