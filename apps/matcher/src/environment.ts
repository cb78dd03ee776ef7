/** The matcher service's environment variables (read by main.ts; checked against the k8s manifests by tools/deploy). */
import { port, positiveInt, serviceEnvironment } from '@cw-hudu-sync/config';
import { z } from 'zod';

export const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8082),
  /** Bearer token of the decisions API; without it the API answers 503. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Keys that open the integrations' sealed Hudu API keys (see @cw-hudu-sync/secrets). */
  CWHS_ENCRYPTION_KEYS: z.string().optional(),
  /** How long the Hudu mirror of an integration is reused before it is read again. */
  MATCHER_MIRROR_MAX_AGE_SECONDS: positiveInt(300),
});
