/**
 * Renders every overlay with kustomize (built from the Go module proxy and cached outside the repo on first use:
 * tools/deploy/bin/kustomize) and checks the result offline: every object against its schema (kubernetes-models,
 * Kubernetes v1.36, + KEDA, Strimzi and Prometheus Operator CRDs), then the cross-references the schemas cannot see.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TOPICS } from '@cw-hudu-sync/contracts';
import { parse } from 'yaml';
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
  type OperatorProvided,
  type ServiceEnvironment,
  type ServiceVariables,
  type VariableParser,
  type TopicExpectation,
} from './lib/cross-references';
import { checkCollectorConfig } from './lib/collector-config';
import {
  isEnvironmentSchema,
  knownVariables,
  requiredVariables,
  variableParser,
} from './lib/environment-schema';
import { kustomizeBuild, MONITORING_FILES, overlays, workspaceRoot } from './lib/kustomize';
import { formatIssues, type KubeObject, objectRef, parseManifests } from './lib/manifests';
import { installedModels, validateObjects } from './lib/schema-validation';

const SERVICES = ['fetcher', 'matcher', 'importer', 'link', 'admin'] as const;
/** Consumer groups of the lag-scaled services (apps/matcher/src/matcher.ts, apps/importer/src/app/importer.ts). */
const CONSUMER_GROUPS = { matcher: 'matcher', importer: 'importer' };
/** libs/shared/messaging topology.ts: 6 partitions per product topic, 1 for the dead-letter topic. */
const TOPIC_PARTITIONS = 6;
const expectedTopics: TopicExpectation[] = Object.values(TOPICS).map((topic) => ({
  topic,
  partitions: topic === TOPICS.deadLetter ? 1 : TOPIC_PARTITIONS,
}));
/** config's serviceEnvironment default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;

// The whole-suite run (tools/test) applies only the root config's global testTimeout (60 s); schema validation and
// compiling the apps' environment schemas can take longer on a busy machine.
jest.setTimeout(300_000);

type ServiceSchema = ServiceEnvironment & ServiceVariables & { parse: VariableParser };

const k8sDir = path.join(workspaceRoot, 'k8s');
const rendered = new Map<string, KubeObject[]>();

beforeAll(() => {
  // k8s/base references the Grafana dashboard and the alert rules of issue #5; without them nothing renders.
  const missing = MONITORING_FILES.filter((file) => !fs.existsSync(path.join(k8sDir, file)));
  if (missing.length > 0) throw new Error(`k8s/${missing.join(', k8s/')} missing (written by issue #5)`);
  for (const overlay of overlays(k8sDir)) {
    rendered.set(overlay, parseManifests(kustomizeBuild(path.join(k8sDir, 'overlays', overlay))));
  }
}, 600_000);

async function serviceEnvironments(): Promise<ServiceSchema[]> {
  const out: ServiceSchema[] = [];
  for (const service of SERVICES) {
    const file = path.join(workspaceRoot, 'apps', service, 'src', 'environment');
    const module: unknown = await import(file);
    const schema = (module as { environment?: unknown }).environment;
    if (!isEnvironmentSchema(schema))
      throw new Error(`${file}.ts does not export a zod object named environment`);
    out.push({
      service,
      required: requiredVariables(schema),
      known: knownVariables(schema),
      parse: variableParser(schema),
    });
  }
  return out;
}

const OVERLAYS = ['dev', 'prod'];

describe('k8s overlays', () => {
  it('has the dev and prod overlays', () => {
    expect([...rendered.keys()]).toEqual(OVERLAYS);
  });

  describe.each(OVERLAYS)('%s', (overlay) => {
    const objects = () => rendered.get(overlay) ?? [];

    it('validates every object against the pinned Kubernetes and CRD schemas', () => {
      expect(objects().length).toBeGreaterThan(20);
      const issues = validateObjects(objects(), installedModels(workspaceRoot));
      expect(formatIssues(issues)).toBe('');
    });

    it('has the five services, each with Deployment, Service, PDB, NetworkPolicy and ServiceMonitor', () => {
      const refs = new Set(objects().map((o) => `${o.kind}/${o.metadata.name}`));
      const missing = SERVICES.flatMap((s) =>
        ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor']
          .map((kind) => `${kind}/${s}`)
          .filter((ref) => !refs.has(ref)),
      );
      expect(missing).toEqual([]);
      expect(objects().map((o) => o.kind)).toEqual(
        expect.arrayContaining(['PrometheusRule', 'ScaledObject']),
      );
      expect(
        objects().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'otel-collector-config'),
      ).toBe(true);
      const dashboard = objects().find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === 'cw-hudu-sync-grafana-dashboard',
      );
      const json = (dashboard?.['data'] as Record<string, string> | undefined)?.['grafana-dashboard.json'];
      expect(JSON.parse(json ?? 'null')).toEqual(
        JSON.parse(fs.readFileSync(path.join(k8sDir, 'base/monitoring/grafana-dashboard.json'), 'utf8')),
      );
    });

    it('gives every required environment variable of each service to its container', async () => {
      expect(formatIssues(checkEnvironment(objects(), await serviceEnvironments()))).toBe('');
    });

    it('spells out only values the services accept (ConfigMap data, literal env values)', async () => {
      expect(formatIssues(checkEnvironmentValues(objects(), await serviceEnvironments()))).toBe('');
    });

    it('sets no variable that nothing reads (typos, leftovers)', async () => {
      // OTEL_* are read by the OpenTelemetry preload (dist/apps/<app>/otel.js), not by the services' schemas.
      expect(formatIssues(checkUnknownVariables(objects(), await serviceEnvironments(), ['OTEL_']))).toBe('');
    });

    it('names only ports that exist in probes, Services, ServiceMonitors and NetworkPolicies', () => {
      expect(formatIssues(checkPorts(objects()))).toBe('');
    });

    it('agrees on labels and selectors (Service, PDB, NetworkPolicy, ServiceMonitor, ScaledObject)', () => {
      expect(formatIssues(checkSelectors(objects()))).toBe('');
    });

    it('references only ConfigMaps/Secrets that are rendered or operator-provided (and documented)', () => {
      const provided = parse(
        fs.readFileSync(path.join(workspaceRoot, 'k8s/operator-provided.yaml'), 'utf8'),
      ) as OperatorProvided;
      expect(formatIssues(checkConfigReferences(objects(), provided))).toBe('');
      const guide = fs.readFileSync(path.join(workspaceRoot, 'docs/deploy.md'), 'utf8');
      for (const s of provided.secrets) {
        expect(guide).toContain(s.name);
        for (const key of s.keys) expect(guide).toContain(key);
      }
    });

    it('lets each pod drain: termination grace > preStop + SHUTDOWN_TIMEOUT_MS', () => {
      expect(formatIssues(checkGracefulShutdown(objects(), SERVICES, DEFAULT_SHUTDOWN_TIMEOUT_MS))).toBe('');
    });

    it('runs every service hardened, with probes on /healthz and /readyz and resources', () => {
      expect(formatIssues(checkServiceContainers(objects(), SERVICES))).toBe('');
    });

    it('scales matcher and importer on their consumer lag, never past the partition count', () => {
      const scaled = objects()
        .filter((o) => o.kind === 'ScaledObject')
        .map((o) => o.metadata.name)
        .sort();
      expect(scaled).toEqual(['importer', 'matcher']);
      expect(formatIssues(checkLagScaling(objects(), expectedTopics, CONSUMER_GROUPS))).toBe('');
    });

    it('ships an OpenTelemetry Collector config whose pipelines name only defined components', () => {
      const config = objects().find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === 'otel-collector-config',
      );
      const text = (config?.['data'] as Record<string, string> | undefined)?.['config.yaml'] ?? '';
      expect(checkCollectorConfig(text)).toEqual([]);
      expect(text).toContain('0.0.0.0:4318');
    });

    it('never carries a Secret (secret values stay out of the repository)', () => {
      expect(
        objects()
          .filter((o) => o.kind === 'Secret')
          .map(objectRef),
      ).toEqual([]);
    });
  });

  it('prod defines a Strimzi KafkaTopic for every topic, with the topology partitions', () => {
    const prod = rendered.get('prod') ?? [];
    expect(prod.filter((o) => o.kind === 'KafkaTopic')).toHaveLength(expectedTopics.length);
    expect(formatIssues(checkKafkaTopics(prod, expectedTopics))).toBe('');
  });

  it('prod is highly available: 2+ replicas, PDB minAvailable, spread over nodes', () => {
    const prod = rendered.get('prod') ?? [];
    for (const service of SERVICES) {
      const deployment = prod.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
      const scaled = prod.find((o) => o.kind === 'ScaledObject' && o.metadata.name === service);
      const spec = deployment?.['spec'] as { replicas?: number; template: { spec: Record<string, unknown> } };
      const replicas = scaled
        ? (scaled['spec'] as { minReplicaCount?: number }).minReplicaCount
        : spec.replicas;
      expect({ service, replicas: (replicas ?? 0) >= 2 }).toEqual({ service, replicas: true });
      expect(spec.template.spec['topologySpreadConstraints']).toBeDefined();
      const pdb = prod.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === service);
      expect((pdb?.['spec'] as { minAvailable?: number }).minAvailable).toBe(1);
    }
  });

  it('dev runs its own single-node Kafka (KRaft) and MongoDB', () => {
    const dev = rendered.get('dev') ?? [];
    const kafka = dev.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka');
    expect(JSON.stringify(kafka)).toContain('"KAFKA_PROCESS_ROLES","value":"broker,controller"');
    expect(dev.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'mongodb')).toBe(true);
  });
});
