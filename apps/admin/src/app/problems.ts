import type { z } from 'zod';

/** The JSON body of every error the admin API returns. */
export interface Problem {
  error: string;
  reasons: string[];
}

/**
 * Zod issues as reasons that name the field (`manage.siteUrl: must be an https URL …`). Zod's messages
 * describe the expected shape and never repeat the value, so a rejected secret is not echoed.
 */
export function reasonsOf(error: z.ZodError, prefix?: string): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key)).join(', ');
      return `${keys}: not a field that can be set here`;
    }
    return `${path || '(body)'}: ${issue.message}`;
  });
}

export const problem = (error: string, reasons: string[]): Problem => ({ error, reasons });
