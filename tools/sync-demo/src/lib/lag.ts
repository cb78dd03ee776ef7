import { Kafka, logLevel } from 'kafkajs';

/** The consumer groups of the pipeline and the topics each reads (base names, before the namespace). */
export const PIPELINE_GROUPS: Record<string, string[]> = {
  fetcher: ['cwhs.sync-commands.v1'],
  matcher: ['cwhs.manage-records.v1'],
  importer: ['cwhs.company-matches.v1', 'cwhs.manage-records.v1'],
  link: ['cwhs.hudu-imports.v1'],
};

/**
 * Messages not yet committed by each pipeline group (end offset minus committed offset, summed over
 * partitions). Zero everywhere means every service has finished everything published so far.
 */
export async function pipelineLag(brokers: string[], namespace: string): Promise<Record<string, number>> {
  const kafka = new Kafka({
    clientId: 'sync-demo-lag',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag: Record<string, number> = {};
    for (const [group, topics] of Object.entries(PIPELINE_GROUPS)) {
      const names = topics.map((t) => `${namespace}.${t}`);
      const committed = await admin.fetchOffsets({ groupId: `${namespace}.${group}`, topics: names });
      let total = 0;
      for (const { topic, partitions } of committed) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const start = Number(end.low);
          const committedOffset = Number(done) < 0 ? start : Number(done);
          total += Math.max(0, Number(end.high) - committedOffset);
        }
      }
      lag[group] = total;
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
