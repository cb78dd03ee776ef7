import { positiveInt } from '@cw-hudu-sync/config';
import { z } from 'zod';

/**
 * The fetcher's callback settings (spread into the fetcher's environment). Callbacks are on when
 * CALLBACK_BASE_URL is set.
 */
export const callbackEnvironment = {
  /** The fetcher's public base URL as Manage reaches it, e.g. https://cw-sync.example.com (no secret in it). */
  CALLBACK_BASE_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      try {
        const url = new URL(value);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be http(s)');
        if (url.username || url.password || url.search || url.hash)
          throw new Error('must not carry credentials, a query or a fragment');
        return url.toString().replace(/\/+$/, '');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not a usable base URL: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Secret the per-integration callback URL tokens derive from (default: derived from CWHS_ENCRYPTION_KEYS). */
  CALLBACK_URL_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often an idle replica looks at the callback inbox (callbacks stored by another replica), ms. */
  FETCHER_CALLBACK_POLL_MS: positiveInt(500),
  /** How often the callback registrations are reconciled with the integrations, seconds. */
  FETCHER_CALLBACK_REGISTRATION_SECONDS: positiveInt(60),
};
