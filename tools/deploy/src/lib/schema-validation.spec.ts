import { type KubeObject, formatIssues } from './manifests';
import { installedModels, validateObjects } from './schema-validation';
import { workspaceRoot } from './kustomize';

const models = installedModels(workspaceRoot);

function deployment(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'importer', namespace: 'cw-hudu-sync' },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'importer' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'importer' } },
        spec: {
          containers: [
            {
              name: 'importer',
              image: 'cw-hudu-sync/importer',
              ports: [{ name: 'http', containerPort: 8080 }],
            },
          ],
        },
      },
      ...overrides,
    },
  };
}

describe('validateObjects', () => {
  it('accepts a valid object', () => {
    expect(validateObjects([deployment()], models)).toEqual([]);
  });

  it('names the object and the field of a schema violation', () => {
    const broken = deployment({
      replicas: 'two',
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'importer' } },
        spec: { containers: [{ name: 'importer', image: 'x', ports: [{ containerPort: 'http' }] }] },
      },
    });
    const issues = validateObjects([broken], models);
    expect(issues).toEqual(
      expect.arrayContaining([
        { object: 'Deployment/cw-hudu-sync/importer', path: '/spec/replicas', message: 'must be integer' },
        {
          object: 'Deployment/cw-hudu-sync/importer',
          path: '/spec/template/spec/containers/0/ports/0/containerPort',
          message: 'must be integer',
        },
      ]),
    );
    expect(formatIssues(issues)).toContain(
      'Deployment/cw-hudu-sync/importer /spec/replicas: must be integer',
    );
  });

  it('reports a missing required field', () => {
    const noContainers = deployment({ template: { spec: {} } });
    const issues = validateObjects([noContainers], models);
    expect(issues.map((i) => `${i.object} ${i.path}`)).toContain(
      'Deployment/cw-hudu-sync/importer /spec/template/spec',
    );
    expect(issues.find((i) => i.path === '/spec/template/spec')?.message).toMatch(/containers/);
  });

  it('validates the CRDs: KEDA, Strimzi and the Prometheus Operator', () => {
    const issues = validateObjects(
      [
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'importer' },
          spec: { scaleTargetRef: { name: 'importer' }, maxReplicaCount: 'six', triggers: [] },
        },
        {
          apiVersion: 'kafka.strimzi.io/v1',
          kind: 'KafkaTopic',
          metadata: { name: 'cwhs-links-v1' },
          spec: { partitions: 0, replicas: 3 },
        },
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'link' },
          spec: { selector: {}, endpoints: [{ port: 8080 }] },
        },
      ],
      models,
    );
    expect(issues.map((i) => `${i.object} ${i.path}`)).toEqual(
      expect.arrayContaining([
        'ScaledObject/-/importer /spec/maxReplicaCount',
        'KafkaTopic/-/cwhs-links-v1 /spec/partitions',
        'ServiceMonitor/-/link /spec/endpoints/0/port',
      ]),
    );
  });

  it('fails an object whose kind has no schema instead of passing it unchecked', () => {
    const issues = validateObjects(
      [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }],
      models,
    );
    expect(issues).toEqual([
      { object: 'Widget/-/w', path: '/apiVersion', message: 'no schema for example.com/v1 Widget' },
    ]);
  });
});
