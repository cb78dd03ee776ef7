import { normaliseCompanyName } from './normalise-name';
import {
  bigramProfile,
  similarityOfProfiles,
  SIMILAR_NAME_THRESHOLD,
  type BigramProfile,
} from './similarity';
import type { HuduCompanyForMatching, ManageCompanyForMatching, RecordedLinks } from './types';
import { isIdentifyingDomain, websiteDomain } from './website-domain';

/** Why a Hudu company is a candidate for a Manage company, strongest first. */
export const MATCH_REASON_KINDS = [
  'existing-link',
  'id-number',
  'exact-name',
  'domain',
  'similar-name',
] as const;
export type MatchReasonKind = (typeof MATCH_REASON_KINDS)[number];

/** The reasons that may confirm a match on their own (under an automatic policy); the others only suggest. */
export type ExactMatchBasis = Extract<MatchReasonKind, 'existing-link' | 'id-number' | 'exact-name'>;
const EXACT_BASES: ReadonlySet<MatchReasonKind> = new Set<ExactMatchBasis>([
  'existing-link',
  'id-number',
  'exact-name',
]);

/**
 * Points per reason. A candidate scores the points of its strongest reason plus CORROBORATION_POINTS for
 * each further reason, so the tiers keep their order and agreeing signals rank a candidate higher within
 * its tier. `similar-name` earns its points times the similarity (40–50 at the default threshold).
 */
export const MATCH_POINTS: Readonly<Record<MatchReasonKind, number>> = {
  'existing-link': 100,
  'id-number': 90,
  'exact-name': 80,
  domain: 60,
  'similar-name': 50,
};
export const CORROBORATION_POINTS = 5;

/** At most this many candidates that are only similar by name are proposed (the most similar). */
export const MAX_NAME_SUGGESTIONS = 5;

export interface MatchReason {
  readonly kind: MatchReasonKind;
  readonly points: number;
  /** For people: what matched, e.g. `both names normalise to "acme"`. */
  readonly detail: string;
  /** For `similar-name`: the similarity, 0–1. */
  readonly similarity?: number;
}

export interface MatchCandidate {
  readonly huduCompanyId: number;
  readonly huduCompanyName: string;
  readonly archived: boolean;
  readonly score: number;
  /** Strongest first. */
  readonly reasons: readonly MatchReason[];
  /** Whether every reason only suggests (`domain`, `similar-name`): such a candidate is never confirmed automatically. */
  readonly suggestionOnly: boolean;
}

export type AmbiguityKind =
  | 'duplicate-hudu-name'
  | 'duplicate-id-number'
  | 'conflicting-candidates'
  | 'claimed-by-other-manage-company';

export interface Ambiguity {
  readonly kind: AmbiguityKind;
  /** The Hudu companies involved, ascending. */
  readonly huduCompanyIds: readonly number[];
  /** For `claimed-by-other-manage-company`: the other Manage companies, ascending. */
  readonly manageCompanyIds?: readonly number[];
  readonly detail: string;
}

export interface MatchProposal {
  readonly manageCompanyId: number;
  readonly manageCompanyName: string;
  readonly normalisedName: string;
  /** Best first: score, then strongest reason, then Hudu id. */
  readonly candidates: readonly MatchCandidate[];
  /**
   * The one Hudu company that a recorded link, or else the exact rules (id number, normalised name), point
   * to; absent when none or several do.
   */
  readonly exactMatch?: { readonly huduCompanyId: number; readonly basis: ExactMatchBasis };
  /** Why this proposal must not be confirmed automatically; empty when there is no doubt. */
  readonly ambiguities: readonly Ambiguity[];
  readonly ambiguous: boolean;
  /** A recorded link points to this Hudu company, but it is no longer among the Hudu companies (deleted?). */
  readonly missingLinkedHuduCompanyId?: number;
}

export interface MatchContext {
  /** Links recorded earlier, Manage company id → Hudu company id. */
  readonly links?: RecordedLinks;
  /**
   * Exact matches of other, undecided Manage companies: Hudu company id → those Manage company ids.
   * proposeMatchesForAll fills this in; a caller proposing one company at a time may pass what it knows.
   */
  readonly claims?: ReadonlyMap<number, readonly number[]>;
  /** Default SIMILAR_NAME_THRESHOLD. */
  readonly similarityThreshold?: number;
  /** Default MAX_NAME_SUGGESTIONS. */
  readonly maxNameSuggestions?: number;
}

interface PreparedHuduCompany {
  readonly company: HuduCompanyForMatching;
  readonly normalisedName: string;
  readonly profile: BigramProfile;
  readonly idNumber?: string;
  readonly domain?: string;
}

/**
 * The Hudu companies, indexed for matching. Build it once per snapshot of the Hudu mirror and pass it to
 * every proposeMatches call: name suggestions then look only at companies sharing a bigram or first word.
 */
export class HuduCompanyIndex {
  readonly size: number;
  private readonly byId = new Map<number, PreparedHuduCompany>();
  private readonly byName = new Map<string, PreparedHuduCompany[]>();
  private readonly byIdNumber = new Map<string, PreparedHuduCompany[]>();
  private readonly byDomain = new Map<string, PreparedHuduCompany[]>();
  private readonly byBigram = new Map<string, Array<{ prepared: PreparedHuduCompany; count: number }>>();
  private readonly byFirstWord = new Map<string, PreparedHuduCompany[]>();

  constructor(companies: Iterable<HuduCompanyForMatching>) {
    for (const company of companies) {
      const normalisedName = normaliseCompanyName(company.name);
      const idNumber = normaliseIdNumber(company.id_number);
      const domain = websiteDomain(company.website);
      const prepared: PreparedHuduCompany = {
        company,
        normalisedName,
        profile: bigramProfile(normalisedName),
        ...(idNumber !== undefined ? { idNumber } : {}),
        ...(domain !== undefined && isIdentifyingDomain(domain) ? { domain } : {}),
      };
      this.byId.set(company.id, prepared);
      if (normalisedName !== '') push(this.byName, normalisedName, prepared);
      if (idNumber !== undefined) push(this.byIdNumber, idNumber, prepared);
      if (prepared.domain !== undefined) push(this.byDomain, prepared.domain, prepared);
      for (const [gram, count] of prepared.profile.counts) push(this.byBigram, gram, { prepared, count });
      const firstWord = prepared.profile.words[0];
      if (firstWord !== undefined) push(this.byFirstWord, firstWord, prepared);
    }
    this.size = this.byId.size;
  }

  get(huduCompanyId: number): PreparedHuduCompany | undefined {
    return this.byId.get(huduCompanyId);
  }
  withName(normalisedName: string): readonly PreparedHuduCompany[] {
    return this.byName.get(normalisedName) ?? [];
  }
  withIdNumber(idNumber: string): readonly PreparedHuduCompany[] {
    return this.byIdNumber.get(idNumber) ?? [];
  }
  withDomain(domain: string): readonly PreparedHuduCompany[] {
    return this.byDomain.get(domain) ?? [];
  }
  /**
   * Companies that may reach `threshold` in similarity: a bigram Dice coefficient that high (counted
   * through the bigram postings, so unrelated names cost nothing), or the same first word.
   */
  nameNeighbours(profile: BigramProfile, threshold: number): Set<PreparedHuduCompany> {
    const shared = new Map<PreparedHuduCompany, number>();
    for (const [gram, count] of profile.counts) {
      for (const posting of this.byBigram.get(gram) ?? []) {
        shared.set(posting.prepared, (shared.get(posting.prepared) ?? 0) + Math.min(count, posting.count));
      }
    }
    const found = new Set<PreparedHuduCompany>();
    for (const [prepared, count] of shared) {
      if ((2 * count) / (profile.size + prepared.profile.size) >= threshold) found.add(prepared);
    }
    const firstWord = profile.words[0];
    if (firstWord !== undefined) for (const c of this.byFirstWord.get(firstWord) ?? []) found.add(c);
    return found;
  }
}

/**
 * Proposes Hudu companies for one Manage company, best first, each with its reasons, and says whether the
 * proposal is ambiguous. Pure: the same input gives the same proposal. Cross-company conflicts need the
 * other Manage companies' claims (context.claims) or proposeMatchesForAll.
 */
export function proposeMatches(
  manageCompany: ManageCompanyForMatching,
  huduCompanies: HuduCompanyIndex | readonly HuduCompanyForMatching[],
  context: MatchContext = {},
): MatchProposal {
  const index =
    huduCompanies instanceof HuduCompanyIndex ? huduCompanies : new HuduCompanyIndex(huduCompanies);
  const normalisedName = normaliseCompanyName(manageCompany.name);
  const reasons = new Map<number, { prepared: PreparedHuduCompany; reasons: MatchReason[] }>();
  const add = (prepared: PreparedHuduCompany, reason: MatchReason) => {
    const entry = reasons.get(prepared.company.id) ?? { prepared, reasons: [] };
    entry.reasons.push(reason);
    reasons.set(prepared.company.id, entry);
  };

  const linkedId = context.links?.get(manageCompany.id);
  const linked = linkedId !== undefined ? index.get(linkedId) : undefined;
  if (linked) {
    add(linked, reason('existing-link', `recorded link Manage ${manageCompany.id} → Hudu ${linkedId}`));
  }

  const manageIds = new Set([String(manageCompany.id), normaliseIdNumber(manageCompany.identifier)]);
  for (const key of manageIds) {
    if (key === undefined) continue;
    for (const prepared of index.withIdNumber(key)) {
      const which = key === String(manageCompany.id) ? 'company id' : 'identifier';
      add(
        prepared,
        reason('id-number', `Hudu id_number "${prepared.company.id_number}" is the Manage ${which}`),
      );
    }
  }

  if (normalisedName !== '') {
    for (const prepared of index.withName(normalisedName)) {
      add(prepared, reason('exact-name', `both names normalise to "${normalisedName}"`));
    }
  }

  const domain = websiteDomain(manageCompany.website);
  if (domain !== undefined && isIdentifyingDomain(domain)) {
    for (const prepared of index.withDomain(domain))
      add(prepared, reason('domain', `both websites are ${domain}`));
  }

  if (normalisedName !== '') {
    const threshold = context.similarityThreshold ?? SIMILAR_NAME_THRESHOLD;
    const profile = bigramProfile(normalisedName);
    const similar: Array<{ prepared: PreparedHuduCompany; similarity: number }> = [];
    for (const prepared of index.nameNeighbours(profile, threshold)) {
      if (prepared.normalisedName === normalisedName) continue; // exact-name already says more
      const similarity = similarityOfProfiles(profile, prepared.profile);
      if (similarity >= threshold) similar.push({ prepared, similarity });
    }
    similar.sort((a, b) => b.similarity - a.similarity || a.prepared.company.id - b.prepared.company.id);
    let suggestionsLeft = context.maxNameSuggestions ?? MAX_NAME_SUGGESTIONS;
    for (const { prepared, similarity } of similar) {
      const corroborates = reasons.has(prepared.company.id);
      if (!corroborates && suggestionsLeft <= 0) continue;
      if (!corroborates) suggestionsLeft--;
      add(prepared, {
        kind: 'similar-name',
        points: Math.round(MATCH_POINTS['similar-name'] * similarity),
        detail: `names ${Math.floor(similarity * 100)}% similar ("${normalisedName}" / "${prepared.normalisedName}")`,
        similarity,
      });
    }
  }

  const candidates = [...reasons.values()].map(({ prepared, reasons: found }) =>
    toCandidate(prepared, found),
  );
  candidates.sort(compareCandidates);

  const exact = findExactMatch(candidates, linked !== undefined);
  const ambiguities = exact.ambiguities;
  if (exact.match && exact.match.basis !== 'existing-link') {
    const claimedBy = otherClaimants(manageCompany.id, exact.match.huduCompanyId, context);
    if (claimedBy.length > 0) {
      ambiguities.push({
        kind: 'claimed-by-other-manage-company',
        huduCompanyIds: [exact.match.huduCompanyId],
        manageCompanyIds: claimedBy,
        detail: `Hudu ${exact.match.huduCompanyId} is also the exact match or recorded link of Manage ${claimedBy.join(', ')}`,
      });
    }
  }

  return {
    manageCompanyId: manageCompany.id,
    manageCompanyName: manageCompany.name,
    normalisedName,
    candidates,
    ...(exact.match ? { exactMatch: exact.match } : {}),
    ambiguities,
    ambiguous: ambiguities.length > 0,
    ...(linkedId !== undefined && !linked ? { missingLinkedHuduCompanyId: linkedId } : {}),
  };
}

/**
 * Proposes matches for many Manage companies at once (after a full fetch), so that two Manage companies
 * whose exact match is the same Hudu company are both flagged `claimed-by-other-manage-company`. A recorded
 * link is never flagged: it was decided. Proposals come back in the order of `manageCompanies`.
 */
export function proposeMatchesForAll(
  manageCompanies: readonly ManageCompanyForMatching[],
  huduCompanies: HuduCompanyIndex | readonly HuduCompanyForMatching[],
  links: RecordedLinks = new Map(),
  options: Omit<MatchContext, 'links' | 'claims'> = {},
): MatchProposal[] {
  const index =
    huduCompanies instanceof HuduCompanyIndex ? huduCompanies : new HuduCompanyIndex(huduCompanies);
  const first = manageCompanies.map((company) => proposeMatches(company, index, { ...options, links }));
  const claims = new Map<number, number[]>();
  for (const proposal of first) {
    if (proposal.exactMatch) push(claims, proposal.exactMatch.huduCompanyId, proposal.manageCompanyId);
  }
  return manageCompanies.map((company, i) => {
    const proposal = first[i];
    const contested =
      proposal?.exactMatch && (claims.get(proposal.exactMatch.huduCompanyId)?.length ?? 0) > 1;
    return proposal && !contested ? proposal : proposeMatches(company, index, { ...options, links, claims });
  });
}

function reason(kind: Exclude<MatchReasonKind, 'similar-name'>, detail: string): MatchReason {
  return { kind, points: MATCH_POINTS[kind], detail };
}

function toCandidate(prepared: PreparedHuduCompany, found: MatchReason[]): MatchCandidate {
  const reasons = [...found].sort((a, b) => rank(a.kind) - rank(b.kind));
  const strongest = reasons[0]?.points ?? 0;
  return {
    huduCompanyId: prepared.company.id,
    huduCompanyName: prepared.company.name,
    archived: prepared.company.archived === true,
    score: strongest + CORROBORATION_POINTS * (reasons.length - 1),
    reasons,
    suggestionOnly: reasons.every((r) => !EXACT_BASES.has(r.kind)),
  };
}

function compareCandidates(a: MatchCandidate, b: MatchCandidate): number {
  return (
    b.score - a.score ||
    rank(a.reasons[0]?.kind) - rank(b.reasons[0]?.kind) ||
    a.huduCompanyId - b.huduCompanyId
  );
}

function rank(kind: MatchReasonKind | undefined): number {
  return kind === undefined ? MATCH_REASON_KINDS.length : MATCH_REASON_KINDS.indexOf(kind);
}

function findExactMatch(
  candidates: readonly MatchCandidate[],
  hasLink: boolean,
): { match?: MatchProposal['exactMatch']; ambiguities: Ambiguity[] } {
  const having = (kind: MatchReasonKind) =>
    candidates.filter((c) => c.reasons.some((r) => r.kind === kind)).map((c) => c.huduCompanyId);
  if (hasLink) {
    const [linkedId] = having('existing-link');
    return {
      match: linkedId === undefined ? undefined : { huduCompanyId: linkedId, basis: 'existing-link' },
      ambiguities: [],
    };
  }
  const byIdNumber = having('id-number');
  const byName = having('exact-name');
  const strong = [...new Set([...byIdNumber, ...byName])].sort((a, b) => a - b);
  const ambiguities: Ambiguity[] = [];
  if (byName.length > 1) {
    ambiguities.push({
      kind: 'duplicate-hudu-name',
      huduCompanyIds: sorted(byName),
      detail: `${byName.length} Hudu companies have this normalised name`,
    });
  }
  if (byIdNumber.length > 1) {
    ambiguities.push({
      kind: 'duplicate-id-number',
      huduCompanyIds: sorted(byIdNumber),
      detail: `${byIdNumber.length} Hudu companies carry this company's id or identifier as id_number`,
    });
  }
  if (strong.length > 1 && ambiguities.length === 0) {
    ambiguities.push({
      kind: 'conflicting-candidates',
      huduCompanyIds: strong,
      detail: `id_number points to Hudu ${sorted(byIdNumber).join(', ')} but the name to Hudu ${sorted(byName).join(', ')}`,
    });
  }
  const [only] = strong;
  if (strong.length !== 1 || only === undefined) return { ambiguities };
  return {
    match: { huduCompanyId: only, basis: byIdNumber.includes(only) ? 'id-number' : 'exact-name' },
    ambiguities,
  };
}

/** Other Manage companies whose recorded link or exact match is this Hudu company, ascending. */
function otherClaimants(manageCompanyId: number, huduCompanyId: number, context: MatchContext): number[] {
  const others = new Set<number>();
  for (const [manageId, huduId] of context.links ?? []) {
    if (huduId === huduCompanyId && manageId !== manageCompanyId) others.add(manageId);
  }
  for (const manageId of context.claims?.get(huduCompanyId) ?? []) {
    if (manageId !== manageCompanyId) others.add(manageId);
  }
  return sorted([...others]);
}

/** Trimmed, NFKC, lower case; undefined when blank. */
export function normaliseIdNumber(value: string | null | undefined): string | undefined {
  const normalised = value?.normalize('NFKC').trim().toLowerCase();
  return normalised === undefined || normalised === '' ? undefined : normalised;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sorted(ids: readonly number[]): number[] {
  return [...ids].sort((a, b) => a - b);
}
