import {
  checkConfigReferences,
  checkEnvironment,
  checkGracefulShutdown,
  checkKafkaTopics,
  checkLagScaling,
  checkPorts,
  checkSelectors,
  checkServiceContainers,
  checkUnknownVariables,
  checkEnvironmentValues,
} from './cross-references';
import { requiredVariables } from './environment-schema';
import type { KubeObject } from './manifests';

const ns = 'cw-hudu-sync';
const labels = { 'app.kubernetes.io/name': 'link', 'app.kubernetes.io/part-of': 'cw-hudu-sync' };

function deployment(container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'link', namespace: ns, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 40,
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: 'link',
              image: 'cw-hudu-sync/link',
              ports: [{ name: 'http', containerPort: 8080 }],
              envFrom: [{ configMapRef: { name: 'cw-hudu-sync-config' } }],
              env: [
                {
                  name: 'ADMIN_TOKEN',
                  valueFrom: { secretKeyRef: { name: 'cw-hudu-sync-secrets', key: 'ADMIN_TOKEN' } },
                },
              ],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
              ...container,
            },
          ],
          ...pod,
        },
      },
    },
  };
}

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cw-hudu-sync-config', namespace: ns },
  data: { KAFKA_BROKERS: 'kafka:9092', SHUTDOWN_TIMEOUT_MS: '20000' },
};

function service(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'link', namespace: ns, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
  };
}

const provided = { secrets: [{ name: 'cw-hudu-sync-secrets', keys: ['ADMIN_TOKEN', 'MONGO_URL'] }] };

describe('checkSelectors', () => {
  it('accepts agreeing labels', () => {
    expect(checkSelectors([deployment(), service(), configMap])).toEqual([]);
  });

  it('names a Service that selects no pods', () => {
    const broken = service({ selector: { 'app.kubernetes.io/name': 'lnik' } });
    expect(checkSelectors([deployment(), broken])).toEqual([
      { object: 'Service/cw-hudu-sync/link', path: '/spec/selector', message: 'selects no pods' },
    ]);
  });

  it('names PDBs, NetworkPolicies, ServiceMonitors and ScaledObjects whose selectors miss', () => {
    const objects: KubeObject[] = [
      deployment(),
      service(),
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'link', namespace: ns },
        spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'admin' } } },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'to-kafka', namespace: ns },
        spec: {
          podSelector: {
            matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['fetcher'] }],
          },
        },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'link', namespace: ns },
        spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'metrics' }] },
      },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'importer', namespace: ns },
        spec: { scaleTargetRef: { name: 'importer' } },
      },
    ];
    expect(checkSelectors(objects).map((i) => `${i.object} ${i.path}: ${i.message}`)).toEqual([
      'PodDisruptionBudget/cw-hudu-sync/link /spec/selector: selects no pods',
      'NetworkPolicy/cw-hudu-sync/to-kafka /spec/podSelector: selects no pods',
      'ServiceMonitor/cw-hudu-sync/link /spec/endpoints/0/port: port "metrics" is not a port of Service/cw-hudu-sync/link',
      'ScaledObject/cw-hudu-sync/importer /spec/scaleTargetRef: no Deployment named "importer"',
    ]);
  });

  it('names a Deployment that sets replicas while a ScaledObject owns them', () => {
    const d = deployment();
    (d['spec'] as Record<string, unknown>)['replicas'] = 2;
    const scaled: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'link', namespace: ns },
      spec: { scaleTargetRef: { name: 'link' } },
    };
    expect(checkSelectors([d, scaled]).map((i) => `${i.object} ${i.path}`)).toEqual([
      'Deployment/cw-hudu-sync/link /spec/replicas',
    ]);
  });
});

describe('checkPorts', () => {
  it('names a probe port and a Service targetPort that are not container ports', () => {
    const d = deployment({ readinessProbe: { httpGet: { path: '/readyz', port: 'htpp' } } });
    const s = service({ ports: [{ name: 'http', port: 80, targetPort: 9090 }] });
    expect(checkPorts([d, s]).map((i) => `${i.object} ${i.path}`)).toEqual([
      'Deployment/cw-hudu-sync/link /spec/template/spec/containers/0/readinessProbe/httpGet/port',
      'Service/cw-hudu-sync/link /spec/ports/0/targetPort',
    ]);
  });

  it('accepts named and numbered ports that exist', () => {
    const s = service({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(checkPorts([deployment(), s])).toEqual([]);
  });
});

describe('checkConfigReferences', () => {
  it('accepts rendered ConfigMaps and operator-provided Secrets', () => {
    expect(checkConfigReferences([deployment(), configMap], provided)).toEqual([]);
  });

  it('names a missing ConfigMap and a Secret key nobody provides', () => {
    const d = deployment({
      env: [
        {
          name: 'CWHS_ENCRYPTION_KEYS',
          valueFrom: { secretKeyRef: { name: 'cw-hudu-sync-secrets', key: 'KEYS' } },
        },
      ],
    });
    expect(checkConfigReferences([d], provided).map((i) => `${i.path}: ${i.message}`)).toEqual([
      '/spec/template/spec/containers/0/envFrom/0/configMapRef: ConfigMap "cw-hudu-sync-config" is neither rendered nor listed as operator-provided',
      '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef: Secret "cw-hudu-sync-secrets" has no key "KEYS"',
    ]);
  });
});

describe('checkEnvironment', () => {
  it('accepts variables from env and from envFrom ConfigMaps', () => {
    expect(
      checkEnvironment(
        [deployment(), configMap],
        [{ service: 'link', required: ['ADMIN_TOKEN', 'KAFKA_BROKERS'] }],
      ),
    ).toEqual([]);
  });

  it('names each required variable that is not provided', () => {
    const issues = checkEnvironment(
      [deployment(), configMap],
      [{ service: 'link', required: ['PUBLIC_BASE_URL', 'MONGO_URL'] }],
    );
    expect(issues.map((i) => i.message)).toEqual([
      'PUBLIC_BASE_URL is required by the link service but is not provided',
      'MONGO_URL is required by the link service but is not provided',
    ]);
    expect(issues[0]?.object).toBe('Deployment/cw-hudu-sync/link');
  });

  it('reads required variables from a zod-like schema: no default and not optional', () => {
    const field = (ok: boolean) => ({ safeParse: () => ({ success: ok }) });
    expect(requiredVariables({ shape: { B: field(false), A: field(false), C: field(true) } })).toEqual([
      'A',
      'B',
    ]);
  });
});

describe('checkGracefulShutdown', () => {
  it('accepts grace > preStop + drain', () => {
    expect(checkGracefulShutdown([deployment(), configMap], ['link'], 20_000)).toEqual([]);
  });

  it('names a grace period shorter than preStop + SHUTDOWN_TIMEOUT_MS', () => {
    const d = deployment({}, { terminationGracePeriodSeconds: 25 });
    expect(checkGracefulShutdown([d, configMap], ['link'], 20_000)).toEqual([
      {
        object: 'Deployment/cw-hudu-sync/link',
        path: '/spec/template/spec/terminationGracePeriodSeconds',
        message: '25 s does not outlast preStop (5 s) + SHUTDOWN_TIMEOUT_MS (20 s)',
      },
    ]);
  });
});

describe('checkServiceContainers', () => {
  it('names a writable root filesystem and a liveness probe on the wrong path', () => {
    const d = deployment({
      livenessProbe: { httpGet: { path: '/readyz', port: 'http' } },
      securityContext: {
        readOnlyRootFilesystem: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
    });
    expect(checkServiceContainers([d], ['link']).map((i) => i.path)).toEqual([
      '/spec/template/spec/containers/0/livenessProbe/httpGet/path',
      '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
    ]);
  });
});

describe('topics and lag scaling', () => {
  const expected = [
    { topic: 'cwhs.manage-records.v1', partitions: 6 },
    { topic: 'cwhs.dead-letter.v1', partitions: 1 },
  ];
  const topic = (name: string, partitions: number): KubeObject => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name: name.replaceAll('.', '-') },
    spec: { topicName: name, partitions },
  });

  it('names a missing topic, a wrong partition count and a stray topic', () => {
    const issues = checkKafkaTopics(
      [topic('cwhs.manage-records.v1', 3), topic('cwhs.other.v1', 6)],
      expected,
    );
    expect(issues.map((i) => `${i.object} ${i.path}`)).toEqual([
      'KafkaTopic/-/cwhs-manage-records-v1 /spec/partitions',
      'KafkaTopic/-/cwhs.dead-letter.v1 ',
      'KafkaTopic/-/cwhs-other-v1 /spec/topicName',
    ]);
  });

  it('names maxReplicaCount above the partitions and a wrong consumer group', () => {
    const scaled: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'importer', namespace: ns },
      spec: {
        scaleTargetRef: { name: 'importer' },
        maxReplicaCount: 12,
        triggers: [
          { type: 'kafka', metadata: { topic: 'cwhs.manage-records.v1', consumerGroup: 'matcher' } },
        ],
      },
    };
    expect(checkLagScaling([scaled], expected, { importer: 'importer' }).map((i) => i.path)).toEqual([
      '/spec/maxReplicaCount',
      '/spec/triggers/0/metadata/consumerGroup',
    ]);
  });
});

describe('checkUnknownVariables', () => {
  const known = [{ service: 'link', known: ['ADMIN_TOKEN', 'KAFKA_BROKERS', 'SHUTDOWN_TIMEOUT_MS'] }];

  it('accepts variables the service reads and ones read elsewhere (OTEL_)', () => {
    const d = deployment({
      env: [
        { name: 'ADMIN_TOKEN', value: 'x' },
        { name: 'OTEL_SERVICE_NAME', value: 'link' },
      ],
    });
    expect(checkUnknownVariables([d, configMap], known, ['OTEL_'])).toEqual([]);
  });

  it('names a misspelt env variable and a ConfigMap key nobody reads', () => {
    const d = deployment({ env: [{ name: 'ADMIN_TOKN', value: 'x' }] });
    const cm: KubeObject = { ...configMap, data: { KAFKA_BROKERS: 'kafka:9092', SHUTDOWN_TIMEOUT: '20000' } };
    expect(
      checkUnknownVariables([d, cm], known, ['OTEL_']).map((i) => `${i.object} ${i.path}: ${i.message}`),
    ).toEqual([
      'Deployment/cw-hudu-sync/link /spec/template/spec/containers/0/env/0/name: ADMIN_TOKN is not read by the link service',
      'ConfigMap/cw-hudu-sync/cw-hudu-sync-config /data/SHUTDOWN_TIMEOUT: SHUTDOWN_TIMEOUT is not read by any service',
    ]);
  });
});

describe('checkEnvironmentValues', () => {
  const parse = (name: string, value: string) =>
    name === 'KAFKA_BROKERS' && !/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/.test(value)
      ? 'must be a comma-separated list of host:port'
      : undefined;

  it('accepts values the service parses', () => {
    expect(checkEnvironmentValues([deployment(), configMap], [{ service: 'link', parse }])).toEqual([]);
  });

  it('names a ConfigMap value the service would reject at start-up', () => {
    const cm: KubeObject = { ...configMap, data: { KAFKA_BROKERS: 'kafka' } };
    expect(checkEnvironmentValues([deployment(), cm], [{ service: 'link', parse }])).toEqual([
      {
        object: 'ConfigMap/cw-hudu-sync/cw-hudu-sync-config',
        path: '/data/KAFKA_BROKERS',
        message: 'KAFKA_BROKERS="kafka" is rejected by link: must be a comma-separated list of host:port',
      },
    ]);
  });
});
