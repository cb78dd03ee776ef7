import type { mongo } from 'mongoose';
import { duplicateKeyPositions } from './database';

type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Document = mongo.Document;

/**
 * Documents addressed by a key of their own (`<integration>:<manage id>`, …) carry it as their `_id`.
 *
 * On FerretDB 1.x (SQLite backend) a filter is pushed down to the database only when it is exactly
 * `{ _id: <scalar> }`; any other filter — `{ integrationId, manageCompanyId }` included, index or not — is a
 * scan of the whole collection, decoded document by document. Measured on the medium dataset: the matcher's
 * find/update of one company by (integrationId, manageCompanyId) took 190 / 166 ms each, 224 s of database
 * time in one import, where a read by `_id` takes a few milliseconds.
 */
export function keyedId(...parts: Array<string | number>): string {
  return parts.join(':');
}

/** What a migration to keyed ids did. */
export interface KeyedIdMigration {
  /** Documents copied under their keyed `_id` (copies already there from an interrupted run are skipped). */
  moved: number;
  /** Indexes dropped because they would have refused the copies (the `_id` now guarantees uniqueness). */
  droppedIndexes: string[];
}

const PAGE = 500;

/**
 * Gives every document of `collection` that still has a generated ObjectId `_id` (written by a version
 * before keyed ids) its keyed `_id`: the copy is inserted first and the original deleted after, so a crash in
 * between leaves a duplicate the next run removes, never a loss. Unique indexes named in `obsoleteIndexes`
 * (the former natural key) are dropped first: they would refuse the copy while the original exists.
 * Idempotent, and safe when two new processes run it at once; a no-op once nothing is left to move. Run it
 * before the collection's consumer starts, and only when no process of an earlier version still writes the
 * collection (ADR 0013, docs/deploy.md "Upgrade notes": such a release stops the old pods first).
 */
export async function migrateToKeyedIds(
  collection: Collection<Document>,
  keyOf: (doc: Document) => string,
  obsoleteIndexes: readonly string[] = [],
): Promise<KeyedIdMigration> {
  const droppedIndexes: string[] = [];
  const existing = new Set(
    (
      await collection
        .listIndexes()
        .toArray()
        .catch(() => [] as Document[])
    ).map((index) => String(index['name'])),
  );
  for (const name of obsoleteIndexes) {
    if (!existing.has(name)) continue;
    await collection.dropIndex(name);
    droppedIndexes.push(name);
  }
  let moved = 0;
  for (;;) {
    const legacy = await collection
      .find({ _id: { $type: 'objectId' } })
      .limit(PAGE)
      .toArray();
    if (legacy.length === 0) break;
    const copies = legacy.map((doc) => ({ ...doc, _id: keyOf(doc) }));
    const copied: Document = { _id: { $in: copies.map((c) => c._id) } };
    const known = new Set(
      (await collection.find(copied, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)),
    );
    // Two legacy documents with one key cannot exist (the dropped unique index kept them apart); keep the
    // first copy if they somehow do.
    const fresh = new Map<string, (typeof copies)[number]>();
    for (const copy of copies) if (!known.has(copy._id) && !fresh.has(copy._id)) fresh.set(copy._id, copy);
    if (fresh.size > 0) {
      try {
        await collection.insertMany([...fresh.values()] as unknown as Document[], { ordered: false });
      } catch (error) {
        // Another process migrating at the same moment inserted some copies first: theirs stand.
        if (duplicateKeyPositions(error) === undefined) throw error;
      }
      moved += fresh.size;
    }
    await collection.deleteMany({ _id: { $in: legacy.map((doc) => doc._id) } });
  }
  return { moved, droppedIndexes };
}
