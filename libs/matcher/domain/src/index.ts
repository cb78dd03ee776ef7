export {
  CJK_LEGAL_FORMS,
  LEGAL_PREFIXES,
  LEGAL_SUFFIXES,
  normaliseCompanyName,
  normalisedNameTokens,
} from './lib/normalise-name';
export {
  COUNTRY_SECOND_LEVELS,
  isIdentifyingDomain,
  MULTI_TENANT_PLATFORMS,
  NON_IDENTIFYING_DOMAINS,
  websiteDomain,
} from './lib/website-domain';
export {
  bigramProfile,
  diceCoefficient,
  nameSimilarity,
  normalisedNameSimilarity,
  QUALIFIED_NAME_SIMILARITY,
  SIMILAR_NAME_THRESHOLD,
  similarityOfProfiles,
  type BigramProfile,
} from './lib/similarity';
export {
  huduCompanyForMatchingSchema,
  manageCompanyForMatchingSchema,
  type HuduCompanyForMatching,
  type ManageCompanyForMatching,
  type RecordedLinks,
} from './lib/types';
export {
  CORROBORATION_POINTS,
  HuduCompanyIndex,
  MATCH_POINTS,
  MATCH_REASON_KINDS,
  MAX_NAME_SUGGESTIONS,
  normaliseIdNumber,
  proposeMatches,
  proposeMatchesForAll,
  type Ambiguity,
  type AmbiguityKind,
  type ExactMatchBasis,
  type MatchCandidate,
  type MatchContext,
  type MatchProposal,
  type MatchReason,
  type MatchReasonKind,
} from './lib/propose';
export {
  decideByPolicy,
  DEFAULT_MATCH_POLICY,
  MATCH_POLICIES,
  matchPolicySchema,
  type MatchDecision,
  type MatchPolicy,
  type ReviewReason,
} from './lib/policy';
export { uniqueHuduName } from './lib/unique-name';
