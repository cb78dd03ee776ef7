import { execFileSync } from 'node:child_process';
import { type KubeObject, type ManifestIssue, objectRef } from './manifests';

/**
 * Offline schema validation with kubernetes-models (the Kubernetes OpenAPI schemas of the installed
 * kubernetes-models, 5.x = Kubernetes v1.36) and the CRD model packages for KEDA, Strimzi and the Prometheus
 * Operator. Every failure names the object (`Kind/namespace/name`) and the field (JSON pointer).
 *
 * The model packages are ESM-only. Jest's module registry cannot load ESM without experimental flags (it even wraps
 * `node:module`), so the models run in a plain Node child process (Node >= 22 can require ESM) that receives the
 * objects as JSON and answers with the raw schema errors.
 */

/** Where each API group's models live, first match wins. Core (`v1`) objects have the group `''`. */
export const MODEL_PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/keda',
  '@kubernetes-models/strimzi-kafka-operator',
  '@kubernetes-models/prometheus-operator',
] as const;

export interface SchemaError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Per object: no model found, or the schema errors (empty when valid). */
export type SchemaResult = { model: false } | { model: true; errors: SchemaError[] };

export type SchemaRunner = (objects: readonly KubeObject[]) => SchemaResult[];

// Plain CommonJS run by `node -e`; argv[1] is the workspace root, argv[2] the model packages (JSON), stdin the objects.
const CHILD = `
const path = require('node:path');
const fs = require('node:fs');
const [root, packagesJson] = process.argv.slice(1);
const packages = JSON.parse(packagesJson);
const objects = JSON.parse(fs.readFileSync(0, 'utf8'));
const cache = new Map();
function model(apiVersion, kind) {
  const key = apiVersion + '/' + kind;
  if (cache.has(key)) return cache.get(key);
  const slash = apiVersion.indexOf('/');
  const relative = slash < 0 ? path.join(apiVersion, kind + '.js') : path.join(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind + '.js');
  let found;
  for (const pkg of packages) {
    const file = path.join(root, 'node_modules', pkg, relative);
    if (!fs.existsSync(file)) continue;
    const candidate = require(file)[kind];
    if (typeof candidate === 'function') { found = candidate; break; }
  }
  cache.set(key, found);
  return found;
}
const results = objects.map((object) => {
  const Model = model(String(object.apiVersion), String(object.kind));
  if (!Model) return { model: false };
  try {
    new Model(object).validate();
    return { model: true, errors: [] };
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    return { model: true, errors: error.errors.map((e) => ({ instancePath: e.instancePath, message: e.message, params: e.params })) };
  }
});
process.stdout.write(JSON.stringify(results));
`;

/** Runs the installed model packages (under `workspaceRoot/node_modules`) in a Node child process. */
export function installedModels(workspaceRoot: string): SchemaRunner {
  return (objects) => {
    const output = execFileSync(
      process.execPath,
      ['-e', CHILD, workspaceRoot, JSON.stringify(MODEL_PACKAGES)],
      {
        input: JSON.stringify(objects),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const results: unknown = JSON.parse(output);
    if (!Array.isArray(results) || results.length !== objects.length) {
      throw new Error('the schema validation process answered with the wrong number of results');
    }
    return results as SchemaResult[];
  };
}

function describe(error: SchemaError): string {
  const message = error.message ?? 'is invalid';
  const allowed = error.params?.['allowedValues'];
  return Array.isArray(allowed) ? `${message}: ${allowed.join(', ')}` : message;
}

/**
 * Validates each object against its schema. An object whose apiVersion/kind has no model is a failure too:
 * nothing passes unchecked.
 */
export function validateObjects(objects: readonly KubeObject[], run: SchemaRunner): ManifestIssue[] {
  const results = run(objects);
  const issues: ManifestIssue[] = [];
  objects.forEach((object, index) => {
    const ref = objectRef(object);
    const result = results[index];
    if (!result || !result.model) {
      issues.push({
        object: ref,
        path: '/apiVersion',
        message: `no schema for ${object.apiVersion} ${object.kind}`,
      });
      return;
    }
    for (const e of result.errors)
      issues.push({ object: ref, path: e.instancePath ?? '', message: describe(e) });
  });
  return issues;
}
