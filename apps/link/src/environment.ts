/** The link service's environment variables (read by main.ts; checked against the k8s manifests by tools/deploy). */
import { port, serviceEnvironment } from '@cw-hudu-sync/config';
import { z } from 'zod';
import { normalisePublicBaseUrl } from './app/jump';

export const environment = z.object({
  ...serviceEnvironment,
  HTTP_PORT: port(8084),
  /** Where this service is reached from a browser, e.g. https://links.example.com (the jump links start with it). */
  PUBLIC_BASE_URL: z.string({ message: 'is required but not set' }).transform((value, ctx) => {
    try {
      return normalisePublicBaseUrl(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Bearer token for the admin routes (the Manage Link to create). */
  ADMIN_TOKEN: z.string({ message: 'is required but not set' }).min(16, 'must be at least 16 characters'),
  /** Keys of the integrations store (the service reads each integration's Hudu address). */
  CWHS_ENCRYPTION_KEYS: z.string({ message: 'is required but not set' }),
});
