import diagnostics from 'node:diagnostics_channel';

/**
 * Facts the Hudu client publishes on `node:diagnostics_channel`, for whoever wants to turn them into
 * metrics (the service platform does). The client never depends on a metrics library: with nobody
 * subscribed, publishing costs one boolean check. Channel names are part of the contract: the
 * subscriber (libs/shared/service, metrics.ts) uses the same strings.
 */
export const HUDU_CHANNELS = {
  /** One HTTP exchange with Hudu (each retry is its own fact): HuduCallFact. */
  call: 'cwhs:hudu:call',
  /** One request let through the key's budget, with the time it queued: HuduBudgetWaitFact. */
  budgetWait: 'cwhs:hudu:budget-wait',
  /** A 429 answer and the pause it caused for the key: HuduRateLimitedFact. */
  rateLimited: 'cwhs:hudu:rate-limited',
} as const;

export interface HuduCallFact {
  method: string;
  /** The route template (`/companies/{id}/assets`), never a raw path with ids or a query. */
  route: string;
  /** The HTTP status, or undefined when no answer came (timeout, network failure). */
  status: number | undefined;
  /** `response`, or why there was none. */
  outcome: 'response' | 'timeout' | 'network';
  seconds: number;
}

export interface HuduBudgetWaitFact {
  waitedMs: number;
}

export interface HuduRateLimitedFact {
  route: string;
  /** How long the key pauses before its next call. */
  waitMs: number;
}

const channels = {
  call: diagnostics.channel(HUDU_CHANNELS.call),
  budgetWait: diagnostics.channel(HUDU_CHANNELS.budgetWait),
  rateLimited: diagnostics.channel(HUDU_CHANNELS.rateLimited),
};

export function publishHuduCall(fact: HuduCallFact) {
  if (channels.call.hasSubscribers) channels.call.publish(fact);
}

export function publishHuduBudgetWait(fact: HuduBudgetWaitFact) {
  if (channels.budgetWait.hasSubscribers) channels.budgetWait.publish(fact);
}

export function publishHuduRateLimited(fact: HuduRateLimitedFact) {
  if (channels.rateLimited.hasSubscribers) channels.rateLimited.publish(fact);
}

/** `/companies/12/assets/5/archive` → `/companies/{id}/assets/{id}/archive`: bounded label values. */
export function huduRouteTemplate(path: string): string {
  const bare = path.split('?')[0] ?? '';
  return bare.replace(/\/\d+(?=\/|$)/g, '/{id}') || '/';
}
