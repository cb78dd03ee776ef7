'use strict';
// End-to-end check of the local stack, run by `tools/stack/stack smoke [kafka|mongo|all]`.
// kafkajs and mongodb are installed by the stack script under $CWHS_HOME/smoke
// (found through NODE_PATH), never in the repo.
//
// kafka: admin createTopics -> produce -> consumer-group join -> consume ->
//        commit -> fetchOffsets -> a second consumer in the same group resumes
//        from the committed offset -> deleteTopics.
// mongo: ping -> insert/find/update -> unique index (E11000) ->
//        findOneAndUpdate upsert (no projection) -> drop.

const which = process.argv[2] || 'all';
const started = Date.now();
const ms = () => `${Date.now() - started} ms`;
const log = (...a) => console.log(`[smoke ${ms()}]`, ...a);

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function withTimeout(p, t, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`timeout after ${t} ms: ${what}`)), t);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function consumeN(kafka, groupId, topic, n, fromBeginning) {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const got = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    log(`consumer joined group ${groupId} in ${e.payload.duration} ms (leader=${e.payload.isLeader})`);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning });
  let resolveDone;
  const done = new Promise((r) => {
    resolveDone = r;
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      got.push(message.value.toString());
      // explicit commit of the next offset to read
      await consumer.commitOffsets([
        { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
      if (got.length >= n) resolveDone();
    },
  });
  await withTimeout(done, 30000, `consume ${n} message(s) in group ${groupId}`);
  await consumer.disconnect();
  return { got };
}

async function kafkaSmoke() {
  const { Kafka, logLevel, Partitioners } = require('kafkajs');
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
  const kafka = new Kafka({
    clientId: 'cwhs-smoke',
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8 },
  });
  const topic = `cwhs-smoke-${process.pid}-${Date.now()}`;
  const groupId = `${topic}-group`;

  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  log(`describeCluster: ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  assert(created, 'createTopics returned false');
  assert((await admin.listTopics()).includes(topic), 'topic not listed');
  log(`admin created topic ${topic}`);

  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      { key: 'k', value: 'm1' },
      { key: 'k', value: 'm2' },
    ],
  });
  log('produced m1, m2');

  const first = await consumeN(kafka, groupId, topic, 2, true);
  assert(first.got.join() === 'm1,m2', `first consumer got ${first.got}`);
  log(`first consumer got ${first.got} and committed`);

  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = offsets[0].partitions[0].offset;
  assert(committed === '2', `committed offset ${committed}, expected 2`);
  log(`admin fetchOffsets: committed offset ${committed}`);

  await producer.send({ topic, messages: [{ key: 'k', value: 'm3' }] });
  await producer.disconnect();
  const second = await consumeN(kafka, groupId, topic, 1, true);
  assert(second.got.join() === 'm3', `second consumer got ${second.got}, expected only m3`);
  log('second consumer in the same group resumed from the committed offset (got m3 only)');

  await admin.deleteTopics({ topics: [topic] });
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  log('kafka OK');
}

async function mongoSmoke() {
  const { MongoClient } = require('mongodb');
  const url =
    process.env.MONGO_URL || 'mongodb://127.0.0.1:27117/cw-hudu-sync?directConnection=true&retryWrites=false';
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10000 });
  await client.connect();
  const hello = await client.db('admin').command({ hello: 1 });
  log(`hello: maxWireVersion ${hello.maxWireVersion}`);
  const db = client.db();
  const coll = db.collection(`smoke_${process.pid}`);
  await coll.insertOne({ _id: 'a', n: 1 });
  await coll.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
  const doc = await coll.findOne({ _id: 'a' });
  assert(doc && doc.n === 2, `findOne got ${JSON.stringify(doc)}`);
  await coll.createIndex({ email: 1 }, { unique: true });
  await coll.insertOne({ _id: 'b', email: 'x@example.test' });
  let dup;
  try {
    await coll.insertOne({ _id: 'c', email: 'x@example.test' });
  } catch (e) {
    dup = e;
  }
  assert(dup && dup.code === 11000, `expected E11000, got ${dup && dup.message}`);
  const up = await coll.findOneAndUpdate(
    { _id: 'd' },
    { $set: { v: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  assert(up && up.v === 1, `findOneAndUpdate upsert got ${JSON.stringify(up)}`);
  await coll.drop();
  await client.close();
  log('mongo OK');
}

(async () => {
  if (which === 'kafka' || which === 'all') await kafkaSmoke();
  if (which === 'mongo' || which === 'all') await mongoSmoke();
  log(`all OK (node ${process.version})`);
})().catch((e) => {
  console.error(`[smoke ${ms()}] FAILED:`, e && e.stack ? e.stack : e);
  process.exit(1);
});
