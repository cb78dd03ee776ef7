import { hashFields, isEmpty, type MappedFields, sameValue } from './values';

export interface OwnershipInput {
  /** What the importer wrote last time (undefined: never wrote this record). */
  lastPushed?: MappedFields;
  /** Hash of what was written last time. */
  lastPushedHash?: string;
  /** The newly mapped values. */
  next: MappedFields;
  /** What Hudu has now, when it was read; otherwise the last pushed values stand in for it. */
  current?: MappedFields;
  /** Fields whose current value counts as equal though it differs (e.g. a name the clash rule changed). */
  equivalent?: (field: string, current: FieldValueLike, next: FieldValueLike) => boolean;
}

type FieldValueLike = MappedFields[string] | undefined;

export type UpdatePlan =
  | { kind: 'unchanged'; hash: string; reason: 'same-hash' | 'same-values' }
  | { kind: 'update'; hash: string; set: MappedFields };

/**
 * The minimal update that brings a Hudu record in line with Manage, owning only what the importer maps:
 * - nothing is written when the mapped content has the hash of the last write;
 * - a non-empty Manage value is written when Hudu (or, unread, our last write) differs;
 * - an empty Manage value clears Hudu only when Manage had sent a value before (it was cleared there);
 *   a value Manage never had never overwrites what someone typed into Hudu.
 */
export function planUpdate(input: OwnershipInput): UpdatePlan {
  const hash = hashFields(input.next);
  if (input.lastPushedHash !== undefined && input.lastPushedHash === hash && input.current === undefined) {
    return { kind: 'unchanged', hash, reason: 'same-hash' };
  }
  const reference = input.current ?? input.lastPushed ?? {};
  const set: MappedFields = {};
  for (const [field, value] of Object.entries(input.next)) {
    const now = reference[field];
    if (!isEmpty(value)) {
      if (sameValue(now, value)) continue;
      if (input.equivalent?.(field, now, value)) continue;
      set[field] = value;
      continue;
    }
    const hadSent = input.lastPushed !== undefined && !isEmpty(input.lastPushed[field]);
    if (!hadSent) continue;
    if (isEmpty(now) && input.current !== undefined) continue;
    set[field] = null;
  }
  if (Object.keys(set).length === 0) return { kind: 'unchanged', hash, reason: 'same-values' };
  return { kind: 'update', hash, set };
}

/** Whether mapped content changed since the last write (the cheap check before reading Hudu). */
export function changedSinceLastWrite(next: MappedFields, lastPushedHash: string | undefined): boolean {
  return lastPushedHash === undefined || hashFields(next) !== lastPushedHash;
}
