import { assignCoPartitioned } from './co-partitioned-assigner';

const six = [0, 1, 2, 3, 4, 5];
const twoTopics = { 'cwhs.company-matches.v1': six, 'cwhs.manage-records.v1': six };

/** For each partition number, the set of members holding it in any topic (co-partitioned: exactly one). */
function holders(assignment: Map<string, Record<string, number[]>>) {
  const byPartition = new Map<number, Set<string>>();
  for (const [member, topics] of assignment)
    for (const partitions of Object.values(topics))
      for (const p of partitions) (byPartition.get(p) ?? byPartition.set(p, new Set()).get(p)!).add(member);
  return byPartition;
}

describe('assignCoPartitioned', () => {
  it.each([1, 2, 3, 4, 5, 6, 7])(
    'gives partition p of every topic to one member, each topic-partition exactly once (%i members)',
    (n) => {
      const members = Array.from({ length: n }, (_, i) => `importer-${i}`);
      const assignment = assignCoPartitioned(members, twoTopics);
      for (const [, owners] of holders(assignment)) expect(owners.size).toBe(1);
      for (const topic of Object.keys(twoTopics)) {
        const all = [...assignment.values()].flatMap((a) => a[topic] ?? []).sort();
        expect(all).toEqual(six);
      }
      // Balanced: partition counts differ by at most one between members.
      const sizes = [...assignment.values()].map((a) => (a['cwhs.manage-records.v1'] ?? []).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    },
  );

  it('keeps each integration on one member where round robin over topic-partitions would split it (4 of 6)', () => {
    const assignment = assignCoPartitioned(['d', 'b', 'a', 'c'], twoTopics);
    expect(Object.fromEntries(assignment)).toEqual({
      a: { 'cwhs.company-matches.v1': [0, 4], 'cwhs.manage-records.v1': [0, 4] },
      b: { 'cwhs.company-matches.v1': [1, 5], 'cwhs.manage-records.v1': [1, 5] },
      c: { 'cwhs.company-matches.v1': [2], 'cwhs.manage-records.v1': [2] },
      d: { 'cwhs.company-matches.v1': [3], 'cwhs.manage-records.v1': [3] },
    });
  });

  it('is the same whatever order members and partitions arrive in (every member computes one answer)', () => {
    const a = assignCoPartitioned(['m2', 'm1', 'm3'], { y: [2, 0, 1], x: [1, 2, 0] });
    const b = assignCoPartitioned(['m3', 'm1', 'm2', 'm1'], { x: [0, 1, 2], y: [0, 1, 2] });
    expect(Object.fromEntries(a)).toEqual(Object.fromEntries(b));
  });

  it('keeps topics with fewer partitions co-partitioned on the partitions they have', () => {
    const assignment = assignCoPartitioned(['a', 'b'], { big: [0, 1, 2, 3], small: [0, 1] });
    expect(Object.fromEntries(assignment)).toEqual({
      a: { big: [0, 2], small: [0] },
      b: { big: [1, 3], small: [1] },
    });
  });

  it('leaves extra members idle with an empty assignment, and assigns nothing without members', () => {
    const assignment = assignCoPartitioned(['a', 'b', 'c'], { t: [0, 1] });
    expect(Object.fromEntries(assignment)).toEqual({ a: { t: [0] }, b: { t: [1] }, c: {} });
    expect(assignCoPartitioned([], { t: [0, 1] }).size).toBe(0);
  });
});
