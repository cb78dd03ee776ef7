import { AssignerProtocol, type PartitionAssigner, PartitionAssigners } from 'kafkajs';

/** Partitions per topic of one member: `{ 'cwhs.manage-records.v1': [0, 3], … }`. */
export type TopicAssignment = Record<string, number[]>;

/**
 * Co-partitioned assignment: partition p of EVERY subscribed topic goes to the same member.
 *
 * Every product topic is keyed by integration id with the same partition count, so partition p of each
 * topic carries the same integrations. A service that reads two topics (the importer: manage-records and
 * company-matches) must see both halves of an integration in one process — its records and their match
 * decisions are ordered against each other, parked and flushed in one place, and FerretDB 1.x tolerates
 * only one writer per document. KafkaJS's round-robin assigner deals topic-partitions out one after the
 * other, which splits an integration across members as soon as the member count does not divide the
 * partition count (4 importers on 6 partitions: matches-0 → A but records-0 → C).
 *
 * Partition numbers are dealt round robin over the members sorted by id, so a single-topic group is
 * assigned exactly as before. Pure, deterministic: every member computing it gets the same answer.
 */
export function assignCoPartitioned(
  memberIds: readonly string[],
  partitionsByTopic: Readonly<Record<string, readonly number[]>>,
): Map<string, TopicAssignment> {
  const members = [...new Set(memberIds)].sort();
  const result = new Map<string, TopicAssignment>(members.map((m) => [m, {}]));
  if (members.length === 0) return result;
  const partitions = [...new Set(Object.values(partitionsByTopic).flat())].sort((a, b) => a - b);
  const owner = new Map(partitions.map((p, i) => [p, members[i % members.length]!]));
  for (const topic of Object.keys(partitionsByTopic).sort()) {
    for (const partition of [...partitionsByTopic[topic]!].sort((a, b) => a - b)) {
      const assignment = result.get(owner.get(partition)!)!;
      (assignment[topic] ??= []).push(partition);
    }
  }
  return result;
}

export const CO_PARTITIONED_ASSIGNER = 'CoPartitionedAssigner';

/**
 * The KafkaJS adapter of `assignCoPartitioned`. Consumers list it before round robin: the group leader
 * picks the first protocol every member supports, so during a rolling upgrade from a version without it
 * the group keeps round robin until the last old member is gone.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER,
  version: 0,
  async assign({ members, topics }) {
    const partitionsByTopic = Object.fromEntries(
      topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]),
    );
    const assignment = assignCoPartitioned(
      members.map((m) => m.memberId),
      partitionsByTopic,
    );
    return [...assignment].map(([memberId, topicPartitions]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: topicPartitions,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITIONED_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});

/** What every consumer of the product lists: co-partitioned first, round robin while a group upgrades. */
export const PRODUCT_PARTITION_ASSIGNERS: PartitionAssigner[] = [
  coPartitionedAssigner,
  PartitionAssigners.roundRobin,
];
