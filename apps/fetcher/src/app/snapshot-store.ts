import { randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import type { RecordKind } from '@cw-hudu-sync/contracts';
import { snapshotId } from '@cw-hudu-sync/fetching';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';

/** What the fetcher last emitted for one Manage record, and the run that last saw it. */
export interface SnapshotDocument {
  /** `${integrationId}:${kind}:${manageId}` */
  _id: string;
  integrationId: string;
  kind: RecordKind;
  manageId: number;
  /** The content hash last emitted (absent: seen but never emitted, e.g. a skipped type). */
  hash?: string;
  companyManageId?: number;
  seenRunId: string;
  updatedAt: Date;
}

/** `fetcher_seen_pages`: the Manage ids one page of a run saw (insert-only; dropped after the run). */
interface SeenPageDocument {
  _id: string;
  integrationId: string;
  kind: RecordKind;
  runId: string;
  ids: number[];
  at: Date;
}

export interface SeenRecord {
  manageId: number;
  companyManageId?: number;
}

export interface EmittedRecord extends SeenRecord {
  hash: string;
}

/**
 * `fetcher_snapshots`: one document per (integration, kind, Manage record). Only the consumer that owns
 * the integration's partition writes an integration's documents (one writer per document: FerretDB 1.x
 * loses concurrent updates of one document), and only after the events they describe were published, so a
 * crash in between re-emits (at-least-once) instead of losing a change.
 */
export class SnapshotStore {
  private readonly collection: Collection<SnapshotDocument>;
  private readonly seenPages: Collection<SeenPageDocument>;
  /** The ids one full run saw, read once when it looks for missing records (key: integration:kind:run). */
  private seenCache: { key: string; ids: Set<number> } | undefined;

  constructor(db: Connection) {
    this.collection = db.collection<SnapshotDocument>('fetcher_snapshots');
    this.seenPages = db.collection<SeenPageDocument>('fetcher_seen_pages');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ integrationId: 1, kind: 1 });
    await this.seenPages.createIndex({ integrationId: 1, kind: 1, runId: 1 });
  }

  /**
   * What the store holds of these records: the hashes last emitted (records never emitted have none) and
   * every record it has a document for (emitted or only seen) — one read for the page.
   */
  async previous(
    integrationId: string,
    kind: RecordKind,
    manageIds: readonly number[],
  ): Promise<{ hashes: Map<number, string>; stored: Set<number> }> {
    const hashes = new Map<number, string>();
    const stored = new Set<number>();
    if (manageIds.length === 0) return { hashes, stored };
    const docs = await this.collection
      .find(
        { _id: { $in: manageIds.map((id) => snapshotId(integrationId, kind, id)) } },
        { projection: { manageId: 1, hash: 1 } },
      )
      .toArray();
    for (const doc of docs) {
      stored.add(doc.manageId);
      if (doc.hash !== undefined) hashes.set(doc.manageId, doc.hash);
    }
    return { hashes, stored };
  }

  /**
   * After a page's events were published: remembers the emitted hashes and marks every other record of
   * the page as seen by this run (so a full run does not report it missing). `stored`: the records the
   * store held when the page was compared (previous()), so the page costs one read of the store,
   * not two — on FerretDB 1.x a read of a page's ids is a scan of the whole collection (medium: 1.5 s). A
   * record stored meanwhile makes its insert fail and falls back to the upsert, as without `stored`.
   */
  async recordPage(
    integrationId: string,
    kind: RecordKind,
    runId: string,
    emitted: readonly EmittedRecord[],
    seen: readonly SeenRecord[],
    stored?: ReadonlySet<number>,
  ): Promise<void> {
    const now = new Date();
    if (emitted.length > 0) {
      const document = (record: EmittedRecord): SnapshotDocument => ({
        _id: snapshotId(integrationId, kind, record.manageId),
        integrationId,
        kind,
        manageId: record.manageId,
        hash: record.hash,
        seenRunId: runId,
        updatedAt: now,
        ...(record.companyManageId !== undefined ? { companyManageId: record.companyManageId } : {}),
      });
      // Inserts for records new to the store (a first sync: all of them) — FerretDB 1.x inserts in about
      // a millisecond a document but spends tens of milliseconds on each upsert — and upserts by _id for
      // the ones it knows. A document inserted meanwhile (never by this integration's owner, but cheap to
      // cover) falls back to the upsert.
      const documents = emitted.map(document);
      const ids = documents.map((doc) => doc._id);
      const known = stored
        ? new Set(
            emitted.filter((record) => stored.has(record.manageId)).map((record) => document(record)._id),
          )
        : new Set(
            (await this.collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map(
              (doc) => doc._id,
            ),
          );
      const fresh = documents.filter((doc) => !known.has(doc._id));
      const upserts = documents.filter((doc) => known.has(doc._id));
      if (fresh.length > 0) {
        try {
          await this.collection.insertMany(fresh, { ordered: false });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          upserts.push(...fresh); // some may be in: upserting all is idempotent
        }
      }
      if (upserts.length > 0) {
        await this.collection.bulkWrite(
          upserts.map(({ _id, ...fields }) => ({
            updateOne: { filter: { _id }, update: { $set: fields }, upsert: true },
          })),
          { ordered: false },
        );
      }
    }
    // What the run saw, as one insert per page: marking each snapshot (an updateMany of 1,000 documents)
    // took FerretDB 1.x over a minute a page, past the socket timeout and the run lease.
    const ids = [...emitted, ...seen].map((record) => record.manageId);
    if (ids.length > 0) {
      await this.seenPages.insertOne({
        _id: `${integrationId}:${kind}:${runId}:${randomUUID()}`,
        integrationId,
        kind,
        runId,
        ids,
        at: now,
      });
    }
  }

  /**
   * Up to `limit` records this run did not see (call on a full run, after every page was read): the
   * snapshots of the kind whose Manage id is on none of the run's seen pages.
   */
  async unseen(
    integrationId: string,
    kind: RecordKind,
    runId: string,
    limit: number,
  ): Promise<Array<Pick<SnapshotDocument, '_id' | 'manageId' | 'companyManageId'>>> {
    const key = `${integrationId}:${kind}:${runId}`;
    if (this.seenCache?.key !== key) {
      const pages = await this.seenPages
        .find({ integrationId, kind, runId }, { projection: { ids: 1 } })
        .toArray();
      this.seenCache = { key, ids: new Set(pages.flatMap((page) => page.ids)) };
    }
    const seenIds = this.seenCache.ids;
    const missing: Array<Pick<SnapshotDocument, '_id' | 'manageId' | 'companyManageId'>> = [];
    const cursor = this.collection
      .find({ integrationId, kind }, { projection: { _id: 1, manageId: 1, companyManageId: 1 } })
      .sort({ _id: 1 });
    for await (const doc of cursor) {
      if (seenIds.has(doc.manageId)) continue;
      missing.push(doc);
      if (missing.length >= limit) break;
    }
    await cursor.close();
    return missing;
  }

  /** After a full run looked for missing records: its seen pages, and any left by earlier runs, go. */
  async forgetSeen(integrationId: string, kind: RecordKind): Promise<void> {
    await this.seenPages.deleteMany({ integrationId, kind });
    this.seenCache = undefined;
  }

  async forget(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.collection.deleteMany({ _id: { $in: [...ids] } });
  }
}
