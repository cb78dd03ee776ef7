import type { Collection, Connection } from 'mongoose';
import { leaseStillHeld, leaseVerdict, type RunLease } from '@cw-hudu-sync/fetching';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

/** One epoch of an integration's run lease; it doubles as the record of who ran what, when. */
export interface RunLeaseDocument {
  /** `${integrationId}:${epoch}` */
  _id: string;
  integrationId: string;
  epoch: number;
  /** `host:pid` of the fetcher process. */
  holder: string;
  runId: string;
  acquiredAt: Date;
  /** Renewed by the holder (the only writer of this document) while its run goes on. */
  expiresAt: Date;
  /** Set by the holder when its run ended (`outcome` says how); absent when the holder died. */
  releasedAt?: Date;
  outcome?: 'completed' | 'failed' | 'lost';
}

/** The run is no longer this process's to run: another fetcher took the lease over. */
export class LeaseLostError extends Error {
  constructor(integrationId: string, epoch: number) {
    super(
      `run lease of "${integrationId}" (epoch ${epoch}) was lost; the run stops and is resumed by its new holder`,
    );
    this.name = 'LeaseLostError';
  }
}

export interface HeldLease {
  epoch: number;
  /** Throws LeaseLostError once the lease is known to be lost (called before each publish). */
  assertHeld(): void;
  release(outcome: 'completed' | 'failed'): Promise<void>;
}

export interface LeaseSettings {
  /** How long a lease lives without renewal: a dead holder's run is taken over after this. */
  ttlMs: number;
  /** Called while waiting for another holder (keeps the consumer's group membership alive). */
  heartbeat?: () => Promise<void>;
  /** Polling interval while waiting (default ttl/10, at most 1 s). */
  waitIntervalMs?: number;
}

/**
 * `fetcher_run_leases`: single-flight per integration across any number of fetcher replicas. Insert-only
 * epochs (`<integration>:<epoch>`): a run may start only by inserting the next epoch after the latest one
 * was released or expired, and the unique `_id` makes exactly one contender win (FerretDB keeps unique
 * indexes under concurrency; it has no atomic compare-and-set on one document). The holder alone renews
 * its own epoch document, and stops when its lease is about to run out or a successor epoch exists.
 * Partition ownership routes each integration's commands to one consumer and hands an uncommitted
 * command to the next owner when a fetcher dies; the lease fences the overlap windows Kafka leaves
 * (an evicted but still running member). See docs/adr/0010-continuous-sync-scheduling.md.
 */
export class RunLeaseStore {
  private readonly collection: Collection<RunLeaseDocument>;

  constructor(
    db: Connection,
    private readonly holder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.collection = db.collection<RunLeaseDocument>('fetcher_run_leases');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ integrationId: 1, epoch: -1 });
  }

  /** The latest epoch of an integration's lease. */
  async latest(integrationId: string): Promise<RunLeaseDocument | undefined> {
    const doc = await this.collection.find({ integrationId }).sort({ epoch: -1 }).limit(1).next();
    return doc ?? undefined;
  }

  /** Every epoch of an integration's lease, oldest first (the run log). */
  async history(integrationId: string): Promise<RunLeaseDocument[]> {
    return this.collection.find({ integrationId }).sort({ epoch: 1 }).toArray();
  }

  /**
   * Waits until the integration's lease is free (released, or expired: its holder died), takes it, and
   * keeps it renewed until released. Never returns while another holder's lease is live.
   */
  async acquire(integrationId: string, runId: string, settings: LeaseSettings): Promise<HeldLease> {
    const waitMs = settings.waitIntervalMs ?? Math.min(1_000, Math.max(50, Math.floor(settings.ttlMs / 10)));
    for (;;) {
      const latest = await this.latest(integrationId);
      const verdict = leaseVerdict(latest ? toLease(latest) : undefined, this.now());
      if (verdict.action === 'acquire') {
        const now = this.now();
        try {
          await this.collection.insertOne({
            _id: `${integrationId}:${verdict.epoch}`,
            integrationId,
            epoch: verdict.epoch,
            holder: this.holder,
            runId,
            acquiredAt: new Date(now),
            expiresAt: new Date(now + settings.ttlMs),
          });
          return this.held(integrationId, verdict.epoch, now + settings.ttlMs, settings.ttlMs);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // another fetcher won this epoch: look again
        }
      } else {
        await settings.heartbeat?.().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private held(integrationId: string, epoch: number, initialExpiry: number, ttlMs: number): HeldLease {
    const id = `${integrationId}:${epoch}`;
    const marginMs = Math.floor(ttlMs / 5);
    let expiresAt = initialExpiry;
    let lost = false;
    let released = false;
    let renewing: Promise<void> = Promise.resolve();

    const renew = async () => {
      const successor = await this.collection.findOne({ _id: `${integrationId}:${epoch + 1}` });
      const now = this.now();
      if (!leaseStillHeld({ expiresAt, successorExists: successor !== null, now, marginMs })) {
        lost = true;
        return;
      }
      const next = now + ttlMs;
      await this.collection.updateOne({ _id: id }, { $set: { expiresAt: new Date(next) } });
      expiresAt = next;
    };
    const timer = setInterval(
      () => {
        if (released || lost) return;
        renewing = renew().catch(() => undefined); // a failed renewal is retried; the margin covers a few
      },
      Math.max(20, Math.floor(ttlMs / 3)),
    );
    timer.unref();

    return {
      epoch,
      assertHeld: () => {
        if (lost || this.now() >= expiresAt - marginMs) {
          lost = true;
          throw new LeaseLostError(integrationId, epoch);
        }
      },
      release: async (outcome) => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await renewing;
        await this.collection.updateOne(
          { _id: id },
          { $set: { releasedAt: new Date(this.now()), outcome: lost ? 'lost' : outcome } },
        );
      },
    };
  }
}

function toLease(doc: RunLeaseDocument): RunLease {
  return {
    epoch: doc.epoch,
    holder: doc.holder,
    expiresAt: doc.expiresAt.getTime(),
    ...(doc.releasedAt ? { releasedAt: doc.releasedAt.getTime() } : {}),
  };
}
