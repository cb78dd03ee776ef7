/** The JSON the admin and matcher APIs answer, as far as the CLI reads it. */
export interface IntegrationView {
  id: string;
  name?: string;
  manage?: { siteUrl?: string; companyId?: string; publicKey?: string; clientId?: string };
  hudu?: { baseUrl?: string };
  options?: Record<string, unknown>;
  discoveredConfigurationTypes?: Array<{ id: number; name: string; count: number }>;
  createdAt?: string;
  updatedAt?: string;
}

export interface RunView {
  id: string;
  integrationId: string;
  mode: string;
  stage: string;
  counts: Record<string, Record<string, number>>;
  huduCalls: number;
  errors: Array<{ at: string; service: string; kind?: string; manageId?: number; reason: string }>;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  progress?: RunProgressView;
}

export interface StageProgressView {
  stage: string;
  done: number;
  total?: number;
  ratePerSecond?: number;
  etaSeconds?: number;
}

export interface RunProgressView {
  stages: StageProgressView[];
}

export interface MatchView {
  manageCompanyId: number;
  name: string;
  identifier?: string;
  status: string;
  removed: boolean;
  decision?: { decision: string; huduCompanyId?: number; decidedBy: string; at: string; reasons: string[] };
  proposal?: {
    ambiguous: boolean;
    ambiguities: Array<{ kind: string } & Record<string, unknown>>;
    exactMatch?: { huduCompanyId: number; basis: string };
    candidates: Array<{ huduCompanyId: number; huduCompanyName: string; score: number; reasons: unknown[] }>;
  };
}

export interface MatchList {
  integrationId: string;
  total: number;
  limit: number;
  offset: number;
  items: MatchView[];
}

export interface ScheduledKindView {
  last?: { slotAt: string; runId: string; emittedBy: string; published: boolean };
  nextAt: string | null;
}

export interface ContinuousSyncView {
  settings: {
    enabled: boolean;
    pollIntervalSeconds: number;
    reconcile: { dailyAt: string } | { everySeconds: number };
    callbacks: boolean;
  };
  poll: ScheduledKindView;
  reconcile: ScheduledKindView;
  lastRun?: { id: string; mode: string; stage: string; startedAt: string; finishedAt?: string };
  callbacks: {
    wanted: boolean;
    status?: string;
    registered?: boolean;
    lastReceivedAt?: string;
    rejected?: number;
    lastError?: string;
  };
}
