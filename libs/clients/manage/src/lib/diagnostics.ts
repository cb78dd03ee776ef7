import diagnostics from 'node:diagnostics_channel';

/**
 * Facts the Manage client publishes on `node:diagnostics_channel`, for whoever turns them into metrics
 * (the service platform does). The client never depends on a metrics library; with nobody subscribed,
 * publishing costs one boolean check. The channel name is the contract: the subscriber
 * (libs/shared/service, metrics.ts) uses the same string.
 */
export const MANAGE_CHANNELS = {
  /** One HTTP exchange with Manage (each retry is its own fact): ManageCallFact. */
  call: 'cwhs:manage:call',
} as const;

export interface ManageCallFact {
  method: string;
  /** The route template (`/company/companies/{id}`), never a raw path with ids, codebase or query. */
  route: string;
  /** The HTTP status, or undefined when no answer came (timeout, network failure). */
  status: number | undefined;
  outcome: 'response' | 'failed';
  seconds: number;
}

const callChannel = diagnostics.channel(MANAGE_CHANNELS.call);

export function publishManageCall(fact: ManageCallFact) {
  if (callChannel.hasSubscribers) callChannel.publish(fact);
}

/**
 * `/v2025_1/apis/3.0/company/companies/12?pageSize=5` → `/company/companies/{id}`;
 * `/login/companyinfo/acme` → `/login/companyinfo/{companyId}`. Bounded label values.
 */
export function manageRouteTemplate(path: string): string {
  const bare = path.split('?')[0] ?? '';
  if (/^\/login\/companyinfo\//.test(bare)) return '/login/companyinfo/{companyId}';
  const api = bare.replace(/^\/[^/]*\/?apis\/3\.0(?=\/|$)/, '');
  return api.replace(/\/\d+(?=\/|$)/g, '/{id}') || '/';
}
