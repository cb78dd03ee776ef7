import diagnostics from 'node:diagnostics_channel';
import { Schema, type Connection } from 'mongoose';
import { isolatedMongoUrl, TcpProxy, testLogger, waitFor } from '@cw-hudu-sync/testing';
import {
  connectDatabase,
  DATABASE_CHANNELS,
  DatabaseUnavailableError,
  isDuplicateKeyError,
  pingDatabase,
  type DatabaseCommandFact,
} from './database';

const logger = testLogger('persistence-test');

interface RecordLink {
  integrationId: string;
  manageId: number;
  huduId: number;
  lastPushedHash?: string;
}

const recordLinkSchema = new Schema<RecordLink>({
  integrationId: { type: String, required: true },
  manageId: { type: Number, required: true },
  huduId: { type: Number, required: true },
  lastPushedHash: String,
});
recordLinkSchema.index({ integrationId: 1, manageId: 1 }, { unique: true });

describe('persistence against the real MongoDB-protocol server', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectDatabase({ url: isolatedMongoUrl('persist'), logger });
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  it('publishes each command with its collection and duration while someone listens, never its contents', async () => {
    const facts: DatabaseCommandFact[] = [];
    const listen = (fact: unknown) => facts.push(fact as DatabaseCommandFact);
    diagnostics.subscribe(DATABASE_CHANNELS.command, listen);
    try {
      const Links = db.model('FactLink', recordLinkSchema);
      await Links.init();
      facts.length = 0;
      await Links.create({ integrationId: 'facts', manageId: 1, huduId: 10, lastPushedHash: 'secret-ish' });
      await Links.find({ integrationId: 'facts' }).lean();
      await Links.create({ integrationId: 'facts', manageId: 1, huduId: 11 }).catch(() => undefined);
      await pingDatabase(db);
    } finally {
      diagnostics.unsubscribe(DATABASE_CHANNELS.command, listen);
    }
    const collection = db.model('FactLink').collection.collectionName;
    expect(facts.map((f) => [f.command, f.collection, f.ok])).toEqual([
      ['insert', collection, true],
      ['find', collection, true],
      // a duplicate key is a write error inside a successful command
      ['insert', collection, true],
    ]);
    for (const fact of facts) expect(fact.seconds).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(facts)).not.toContain('secret-ish');
    await db.model('FactLink').find({}).lean();
    expect(facts).toHaveLength(3); // nobody listening: nothing published
  });

  it('round-trips a document and rejects a duplicate through the unique index', async () => {
    const Links = db.model('RecordLink', recordLinkSchema);
    await Links.init(); // builds the indexes
    await Links.create({ integrationId: 'acme', manageId: 7, huduId: 70, lastPushedHash: 'abc' });
    const found = await Links.findOne({ integrationId: 'acme', manageId: 7 }).lean();
    expect(found).toMatchObject({ huduId: 70, lastPushedHash: 'abc' });

    const duplicate = await Links.create({ integrationId: 'acme', manageId: 7, huduId: 71 }).catch(
      (e: unknown) => e,
    );
    expect(isDuplicateKeyError(duplicate)).toBe(true);
    expect(await Links.countDocuments({ integrationId: 'acme' })).toBe(1);
  });

  it('supports the single-document atomic upsert the services rely on (no transactions)', async () => {
    const Links = db.model('RecordLink', recordLinkSchema);
    const first = await Links.findOneAndUpdate(
      { integrationId: 'acme', manageId: 8 },
      { $setOnInsert: { huduId: 80 }, $set: { lastPushedHash: 'h1' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    const second = await Links.findOneAndUpdate(
      { integrationId: 'acme', manageId: 8 },
      { $setOnInsert: { huduId: 99 }, $set: { lastPushedHash: 'h2' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(first).toMatchObject({ huduId: 80, lastPushedHash: 'h1' });
    expect(second).toMatchObject({ huduId: 80, lastPushedHash: 'h2' });
  });

  it('lets exactly one of many concurrent inserts of the same key win (what idempotent handlers rely on)', async () => {
    const Links = db.model('RecordLink', recordLinkSchema);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => Links.create({ integrationId: 'race', manageId: 1, huduId: i })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isDuplicateKeyError(r.reason))).toHaveLength(19);
    expect(await Links.countDocuments({ integrationId: 'race' })).toBe(1);
  });

  it('pings while the server is there, fails when it goes away, and recovers when it returns', async () => {
    const target = new URL(isolatedMongoUrl('proxy'));
    const proxy = await new TcpProxy(target.hostname, Number(target.port)).start();
    target.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await connectDatabase({
      url: target.toString(),
      logger,
      serverSelectionTimeoutMs: 1_500,
    });
    try {
      await pingDatabase(viaProxy);
      proxy.cut();
      await expect(pingDatabase(viaProxy, 1_000)).rejects.toThrow();
      proxy.restore();
      await waitFor(() => pingDatabase(viaProxy, 1_000).then(() => true), {
        what: 'the database to answer again',
      });
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('fails fast with a clear error naming the address when the server is unreachable', async () => {
    const proxy = await new TcpProxy('127.0.0.1', 9).start();
    proxy.cut();
    const error = await connectDatabase({
      url: `mongodb://user:s3cret@127.0.0.1:${proxy.port}/nowhere?directConnection=true`,
      logger,
      serverSelectionTimeoutMs: 1_000,
    }).catch((e: unknown) => e);
    await proxy.close();
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toContain(
      `cannot reach MongoDB at mongodb://127.0.0.1:${proxy.port}/nowhere`,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });
});
