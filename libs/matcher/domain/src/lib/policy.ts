import { z } from 'zod';
import type { ExactMatchBasis, MatchProposal } from './propose';

/**
 * How much of stage two (confirming matches) is automatic, chosen per integration:
 * - `review` (default): nothing; every company waits for the admin.
 * - `auto-exact`: a unique, unambiguous exact match (recorded link, id number or normalised name) is confirmed;
 *   everything else waits for the admin.
 * - `auto-create`: as `auto-exact`, and a company with no candidate at all gets a new Hudu company. A company
 *   with suggestions only (same domain, similar name) still waits: it may well exist in Hudu already.
 */
export const MATCH_POLICIES = ['review', 'auto-exact', 'auto-create'] as const;
export type MatchPolicy = (typeof MATCH_POLICIES)[number];
export const DEFAULT_MATCH_POLICY: MatchPolicy = 'review';
export const matchPolicySchema = z.enum(MATCH_POLICIES).default(DEFAULT_MATCH_POLICY);

/** Why a proposal waits for the admin. */
export type ReviewReason =
  /** The policy is `review`. */
  | 'policy-review'
  /** A recorded link points to a Hudu company that no longer exists. */
  | 'linked-company-missing'
  /** See the proposal's `ambiguities`. */
  | 'ambiguous'
  /** The exact match is an archived Hudu company; confirming would quietly revive it. */
  | 'archived-match'
  /** Only `domain` / `similar-name` candidates. */
  | 'suggestions-only'
  /** No candidate at all, and the policy does not create companies. */
  | 'no-candidates';

export type MatchDecision =
  | {
      readonly action: 'confirm';
      readonly manageCompanyId: number;
      readonly huduCompanyId: number;
      readonly basis: ExactMatchBasis;
      readonly explanation: string;
    }
  | { readonly action: 'create'; readonly manageCompanyId: number; readonly explanation: string }
  | {
      readonly action: 'needs-review';
      readonly manageCompanyId: number;
      readonly reason: ReviewReason;
      readonly explanation: string;
    };

/** Applies a match policy to a proposal. Pure; never confirms an ambiguous proposal or a mere suggestion. */
export function decideByPolicy(
  proposal: MatchProposal,
  policy: MatchPolicy = DEFAULT_MATCH_POLICY,
): MatchDecision {
  const manageCompanyId = proposal.manageCompanyId;
  const review = (reason: ReviewReason, explanation: string): MatchDecision => ({
    action: 'needs-review',
    manageCompanyId,
    reason,
    explanation,
  });

  if (policy === 'review')
    return review('policy-review', 'policy "review": every match is confirmed by the admin');
  if (proposal.missingLinkedHuduCompanyId !== undefined) {
    return review(
      'linked-company-missing',
      `recorded link to Hudu ${proposal.missingLinkedHuduCompanyId}, which no longer exists`,
    );
  }
  if (proposal.ambiguous) {
    return review('ambiguous', proposal.ambiguities.map((ambiguity) => ambiguity.detail).join('; '));
  }
  const exact = proposal.exactMatch;
  if (exact) {
    const target = proposal.candidates.find((c) => c.huduCompanyId === exact.huduCompanyId);
    if (exact.basis !== 'existing-link' && target?.archived) {
      return review('archived-match', `the exact match, Hudu ${exact.huduCompanyId}, is archived`);
    }
    return {
      action: 'confirm',
      manageCompanyId,
      huduCompanyId: exact.huduCompanyId,
      basis: exact.basis,
      explanation: `policy "${policy}": unique ${exact.basis} match to Hudu ${exact.huduCompanyId}`,
    };
  }
  if (proposal.candidates.length > 0) {
    return review('suggestions-only', `${proposal.candidates.length} suggestion(s), no exact match`);
  }
  if (policy === 'auto-create') {
    return {
      action: 'create',
      manageCompanyId,
      explanation: 'policy "auto-create": no Hudu company resembles it',
    };
  }
  return review('no-candidates', 'no Hudu company resembles it; the admin may create one');
}
