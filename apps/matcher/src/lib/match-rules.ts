/**
 * The matcher service's own pure rules, on top of `@cw-hudu-sync/matching`: what a recorded decision is,
 * how a policy outcome becomes a decision, what a CompanyMatched payload says, and which proposals the
 * bulk confirmation takes. No I/O.
 */
import type { ManageCompany, PayloadOf } from '@cw-hudu-sync/contracts';
import {
  decideByPolicy,
  type ManageCompanyForMatching,
  type MatchPolicy,
  type MatchProposal,
  type RecordedLinks,
} from '@cw-hudu-sync/matching';

export type DecisionKind = 'link' | 'create' | 'ignore';
export type MatchStatus = 'pending' | 'decided';

/** One entry of a company's decision log; the highest `seq` is the current one. `decision: null` is an undo. */
export interface RecordedDecision {
  seq: number;
  decision: DecisionKind | null;
  huduCompanyId?: number;
  decidedBy: string;
  at: string;
  reasons: string[];
  /** The event that made the policy decide (FetchCompleted), so a redelivery republishes it. */
  causationId?: string;
}

/** What a decision-maker asks for; the store turns it into a RecordedDecision. */
export type DecisionRequest =
  | { decision: 'link'; huduCompanyId: number; decidedBy: string; reasons: string[] }
  | { decision: 'create' | 'ignore'; decidedBy: string; reasons: string[] }
  | { decision: null; decidedBy: string; reasons: string[] };

export const MAX_REASONS = 20;
export const MAX_REASON_LENGTH = 200;

export function statusOf(latest: RecordedDecision | undefined): MatchStatus {
  return latest?.decision ? 'decided' : 'pending';
}

/** What matching needs of a fetched Manage company. */
export function companyForMatching(company: ManageCompany): ManageCompanyForMatching {
  return {
    id: company.id,
    identifier: company.identifier,
    name: company.name,
    ...(company.website !== undefined ? { website: company.website } : {}),
  };
}

/** Decided links (Manage id → Hudu id) from the current decisions of an integration's companies. */
export function recordedLinks(latest: ReadonlyMap<number, RecordedDecision>): RecordedLinks {
  const links = new Map<number, number>();
  for (const [manageCompanyId, decision] of latest) {
    if (decision.decision === 'link' && decision.huduCompanyId !== undefined) {
      links.set(manageCompanyId, decision.huduCompanyId);
    }
  }
  return links;
}

/** Reasons as the CompanyMatched contract bounds them: at most 20, each at most 200 characters. */
export function boundedReasons(reasons: readonly string[]): string[] {
  return reasons
    .filter((reason) => reason.trim() !== '')
    .slice(0, MAX_REASONS)
    .map((reason) =>
      reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason,
    );
}

/** The explanation, then what matched for the chosen Hudu company (when there is one). */
export function reasonsFor(explanation: string, proposal: MatchProposal | undefined, huduCompanyId?: number) {
  const candidate =
    huduCompanyId === undefined
      ? undefined
      : proposal?.candidates.find((c) => c.huduCompanyId === huduCompanyId);
  return boundedReasons([explanation, ...(candidate?.reasons.map((r) => `${r.kind}: ${r.detail}`) ?? [])]);
}

export type PolicyOutcome =
  { kind: 'decide'; request: DecisionRequest } | { kind: 'pending'; reason: string; explanation: string };

/**
 * Applies the integration's policy to a (batch) proposal. A confirmed exact match is decided by
 * `policy:auto-exact` (the rule that confirmed it, under either automatic policy); a new company by
 * `policy:auto-create`.
 */
export function policyOutcome(proposal: MatchProposal, policy: MatchPolicy): PolicyOutcome {
  const decided = decideByPolicy(proposal, policy);
  switch (decided.action) {
    case 'confirm':
      return {
        kind: 'decide',
        request: {
          decision: 'link',
          huduCompanyId: decided.huduCompanyId,
          decidedBy: 'policy:auto-exact',
          reasons: reasonsFor(decided.explanation, proposal, decided.huduCompanyId),
        },
      };
    case 'create':
      return {
        kind: 'decide',
        request: {
          decision: 'create',
          decidedBy: 'policy:auto-create',
          reasons: reasonsFor(decided.explanation, proposal),
        },
      };
    case 'needs-review':
      return { kind: 'pending', reason: decided.reason, explanation: decided.explanation };
  }
}

/** Proposals the bulk confirmation takes: a unique, unambiguous exact match (as the auto-exact policy would). */
export function confirmableExactMatches(
  proposals: readonly MatchProposal[],
  decidedBy: string,
): Array<{ manageCompanyId: number; request: DecisionRequest }> {
  const confirmable: Array<{ manageCompanyId: number; request: DecisionRequest }> = [];
  for (const proposal of proposals) {
    const decided = decideByPolicy(proposal, 'auto-exact');
    if (decided.action !== 'confirm') continue;
    confirmable.push({
      manageCompanyId: proposal.manageCompanyId,
      request: {
        decision: 'link',
        huduCompanyId: decided.huduCompanyId,
        decidedBy,
        reasons: reasonsFor(
          `bulk confirmation of the unique ${decided.basis} match`,
          proposal,
          decided.huduCompanyId,
        ),
      },
    });
  }
  return confirmable;
}

/** The CompanyMatched payload for a company's current decision and latest snapshot. */
export function companyMatchedPayload(
  company: ManageCompany,
  contentHash: string,
  decision: RecordedDecision,
): PayloadOf<'CompanyMatched'> {
  if (!decision.decision) throw new Error(`Manage company ${company.id} has no decision to publish`);
  if (decision.decision === 'link' && decision.huduCompanyId === undefined) {
    throw new Error(`the link decision of Manage company ${company.id} names no Hudu company`);
  }
  return {
    manageCompanyId: company.id,
    decision: decision.decision,
    ...(decision.decision === 'link' ? { huduCompanyId: decision.huduCompanyId } : {}),
    company,
    contentHash,
    decidedBy: decision.decidedBy,
    reasons: boundedReasons(decision.reasons),
  };
}
