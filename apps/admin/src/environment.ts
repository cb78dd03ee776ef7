/** The admin service's environment variables (read by main.ts; checked against the k8s manifests by tools/deploy). */
import { port, positiveInt, serviceEnvironment } from '@cw-hudu-sync/config';
import { z } from 'zod';

export const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8080),
  /** Bearer token every admin API call must carry. */
  ADMIN_TOKEN: z.string({ message: 'is required but not set' }).min(16, 'must be at least 16 characters'),
  /** Keys that seal integration secrets at rest: "<id>:<base64 of 32 bytes>", newest first. */
  CWHS_ENCRYPTION_KEYS: z.string({ message: 'is required but not set' }),
  /** Per-call limit for the save-time checks against Manage and Hudu. */
  PREFLIGHT_TIMEOUT_MS: positiveInt(15_000),
});
