/** The fetcher service's environment variables (read by main.ts; checked against the k8s manifests by tools/deploy). */
import { booleanFlag, port, positiveInt, serviceEnvironment } from '@cw-hudu-sync/config';
import { z } from 'zod';
import { callbackEnvironment } from './app/callbacks/environment';

export const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8081),
  /** Keys that open the integrations' sealed Manage/Hudu secrets: `<id>:<base64 32 bytes>[,…]`. */
  CWHS_ENCRYPTION_KEYS: z.string().min(1, 'is required (e.g. k1:$(openssl rand -base64 32))'),
  /** Records per Manage page (1–1000). */
  FETCHER_PAGE_SIZE: positiveInt(1000).refine((n) => n <= 1000, 'must be at most 1000'),
  /** Seconds re-read before an incremental watermark. */
  FETCHER_OVERLAP_SECONDS: positiveInt(60),
  /** How long the consumer group waits for a silent fetcher (a sync heartbeats once per page). */
  FETCHER_SESSION_TIMEOUT_MS: positiveInt(60_000),
  /** Run the continuous-sync scheduler in this replica (every replica may; each slot is emitted once). */
  FETCHER_SCHEDULER_ENABLED: booleanFlag(true),
  /** How often the scheduler looks at the integrations' schedules. */
  FETCHER_SCHEDULER_TICK_MS: positiveInt(1_000),
  /** How long a run lease lives without renewal: a dead fetcher's run is taken over after this. */
  FETCHER_LEASE_TTL_MS: positiveInt(30_000),
  /** Manage callbacks (CALLBACK_BASE_URL, CALLBACK_URL_SECRET, …): see app/callbacks/environment.ts. */
  ...callbackEnvironment,
});
