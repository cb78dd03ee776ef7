/** The importer service's environment variables (read by main.ts; checked against the k8s manifests by tools/deploy). */
import { port, serviceEnvironment } from '@cw-hudu-sync/config';
import { z } from 'zod';

export const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8083),
  /** Keys that open the integrations' sealed Hudu API keys (`<id>:<base64 32 bytes>`, comma-separated). */
  CWHS_ENCRYPTION_KEYS: z.string().optional(),
});
