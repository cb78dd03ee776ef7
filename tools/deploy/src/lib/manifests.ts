import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as rendered by kustomize (only the fields every object has are typed). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** A problem found in the rendered manifests: which object, which field, what is wrong. */
export interface ManifestIssue {
  /** `Kind/namespace/name` (namespace `-` for cluster-scoped or unset). */
  object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/ports/0/containerPort`. */
  path: string;
  message: string;
}

export function objectRef(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.namespace ?? '-'}/${object.metadata.name}`;
}

export function formatIssues(issues: readonly ManifestIssue[]): string {
  return issues.map((i) => `${i.object} ${i.path || '/'}: ${i.message}`).join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a multi-document YAML stream (kustomize output) into objects; a document that is not an object is an error. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`document ${index}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    const metadata = isRecord(value) ? value['metadata'] : undefined;
    if (
      !isRecord(value) ||
      typeof value['apiVersion'] !== 'string' ||
      typeof value['kind'] !== 'string' ||
      !isRecord(metadata) ||
      typeof metadata['name'] !== 'string'
    ) {
      throw new Error(`document ${index} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    }
    objects.push(value as KubeObject);
  });
  return objects;
}

/** Reads a field by path (`['spec', 'template', 'spec']`); undefined when any step is missing. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

export { isRecord };
