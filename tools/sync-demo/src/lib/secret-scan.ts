import fs from 'node:fs';

export interface SecretSighting {
  /** Which secret (its label, never its value). */
  secret: string;
  file: string;
  line: number;
}

/**
 * The forms a secret can take in a log line: as is, URL-encoded, base64 (e.g. inside a Basic
 * authorization header) and JSON-escaped. Secrets shorter than 8 characters would match by accident and
 * are refused.
 */
export function secretForms(value: string): string[] {
  if (value.length < 8) throw new Error('a secret to look for must have at least 8 characters');
  return [
    ...new Set([
      value,
      encodeURIComponent(value),
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64url'),
      JSON.stringify(value).slice(1, -1),
    ]),
  ];
}

/** Every line of `text` that contains one of the secrets, in any of its forms. */
export function scanText(text: string, secrets: Record<string, string>, file = '(text)'): SecretSighting[] {
  const forms = Object.entries(secrets).flatMap(([label, value]) =>
    secretForms(value).map((form) => ({ label, form })),
  );
  const sightings: SecretSighting[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { label, form } of forms) {
      if (line.includes(form)) {
        sightings.push({ secret: label, file, line: index + 1 });
        break;
      }
    }
  });
  return sightings;
}

/** Scans whole files (the services' logs); a file that does not exist is an error, not a clean result. */
export function scanFiles(files: readonly string[], secrets: Record<string, string>): SecretSighting[] {
  return files.flatMap((file) => scanText(fs.readFileSync(file, 'utf8'), secrets, file));
}
