/**
 * Reads a service's zod environment schema (apps/<app>/src/environment.ts) without depending on zod's types:
 * a variable is required when its schema rejects `undefined` (no default, not optional).
 */
interface FieldSchema {
  safeParse(value: unknown): { success: boolean };
}

export interface EnvironmentSchema {
  shape: Record<string, FieldSchema>;
}

export function isEnvironmentSchema(value: unknown): value is EnvironmentSchema {
  if (typeof value !== 'object' || value === null || !('shape' in value)) return false;
  const shape = (value as { shape: unknown }).shape;
  return (
    typeof shape === 'object' &&
    shape !== null &&
    Object.values(shape).every((f) => typeof (f as Partial<FieldSchema>).safeParse === 'function')
  );
}

export function requiredVariables(schema: EnvironmentSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, f]) => !f.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

export function knownVariables(schema: EnvironmentSchema): string[] {
  return Object.keys(schema.shape).sort();
}

/**
 * A parser for one variable at a time (undefined for names the schema does not know: checked elsewhere).
 * Returns the schema's first error message, or undefined when the value parses.
 */
export function variableParser(
  schema: EnvironmentSchema,
): (name: string, value: string) => string | undefined {
  return (name, value) => {
    const field = schema.shape[name];
    if (!field) return undefined;
    const result = field.safeParse(value) as {
      success: boolean;
      error?: { issues?: { message?: string }[] };
    };
    return result.success ? undefined : (result.error?.issues?.[0]?.message ?? 'invalid');
  };
}
