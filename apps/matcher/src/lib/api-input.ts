/**
 * Inputs of the decisions API, validated with zod, and the bearer-token check. Pure.
 */
import { integrationIdSchema, manageIdSchema } from '@cw-hudu-sync/contracts';
import { z } from 'zod';

export const integrationParamsSchema = z.strictObject({ id: integrationIdSchema });

export const companyParamsSchema = z.strictObject({
  id: integrationIdSchema,
  manageCompanyId: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be a positive whole number')
    .transform(Number)
    .pipe(manageIdSchema),
});

const whole = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const listQuerySchema = z.strictObject({
  status: z.enum(['pending', 'decided']).optional(),
  limit: whole('limit', 1, 500, 50),
  offset: whole('offset', 0, 1_000_000, 0),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** Who decided, as the admin tells it (kept in `decidedBy` as `admin:<by>`). */
const by = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.@ -]+$/, 'letters, digits, "_", ".", "@", "-" and spaces only')
  .optional();

export const decisionBodySchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('link'), huduCompanyId: z.number().int().positive(), by }),
  z.strictObject({ decision: z.literal('create'), by }),
  z.strictObject({ decision: z.literal('ignore'), by }),
]);
export type DecisionBody = z.infer<typeof decisionBodySchema>;

export const confirmExactBodySchema = z.strictObject({ by }).default({});

/** `decidedBy` of an admin decision. */
export function adminDecidedBy(who: string | undefined): string {
  return `admin:${who ?? 'api'}`;
}

/** The problems of a failed parse, one line each (`path: message`). */
export function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
