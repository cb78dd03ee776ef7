import {
  field,
  isRecord,
  type KubeObject,
  type ManifestIssue,
  objectRef,
  records,
  stringMap,
} from './manifests';
import { selectorMatches } from './selectors';

/**
 * Cross-reference checks over one rendered overlay: what the schemas cannot see.
 * Each returns issues naming the object and field; an empty list means the references hold.
 */

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

interface Workload {
  object: KubeObject;
  podLabels: Record<string, string>;
  podSpec: Record<string, unknown>;
}

function inNamespace(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

function workloads(objects: readonly KubeObject[]): Workload[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind))
    .map((object) => {
      const podSpec = field(object, 'spec', 'template', 'spec');
      return {
        object,
        podLabels: stringMap(field(object, 'spec', 'template', 'metadata', 'labels')),
        podSpec: isRecord(podSpec) ? podSpec : {},
      };
    });
}

function containers(podSpec: Record<string, unknown>): Record<string, unknown>[] {
  return records(podSpec['containers']);
}

function containerPorts(podSpec: Record<string, unknown>): { names: Set<string>; numbers: Set<number> } {
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const container of containers(podSpec)) {
    for (const port of records(container['ports'])) {
      if (typeof port['name'] === 'string') names.add(port['name']);
      if (typeof port['containerPort'] === 'number') numbers.add(port['containerPort']);
    }
  }
  return { names, numbers };
}

function portExists(port: unknown, ports: { names: Set<string>; numbers: Set<number> }): boolean {
  return typeof port === 'string'
    ? ports.names.has(port)
    : typeof port === 'number' && ports.numbers.has(port);
}

function selected(objects: readonly KubeObject[], by: KubeObject, selector: unknown): Workload[] {
  return workloads(objects).filter(
    (w) => inNamespace(w.object, by) && selectorMatches(selector, w.podLabels),
  );
}

/** Labels and selectors agree: Services, PDBs, NetworkPolicies select pods; ServiceMonitors select Services; ScaledObjects target Deployments. */
export function checkSelectors(objects: readonly KubeObject[]): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const w of workloads(objects)) {
    const selector = field(w.object, 'spec', 'selector');
    if (!selectorMatches(selector, w.podLabels)) {
      issues.push({
        object: objectRef(w.object),
        path: '/spec/selector',
        message: 'does not match its own pod template labels',
      });
    }
  }
  for (const o of objects) {
    const ref = objectRef(o);
    if (o.kind === 'Service') {
      const selector = field(o, 'spec', 'selector');
      if (selector !== undefined && selected(objects, o, selector).length === 0) {
        issues.push({ object: ref, path: '/spec/selector', message: 'selects no pods' });
      }
    } else if (o.kind === 'PodDisruptionBudget') {
      if (selected(objects, o, field(o, 'spec', 'selector')).length === 0) {
        issues.push({ object: ref, path: '/spec/selector', message: 'selects no pods' });
      }
    } else if (o.kind === 'NetworkPolicy') {
      if (selected(objects, o, field(o, 'spec', 'podSelector')).length === 0) {
        issues.push({ object: ref, path: '/spec/podSelector', message: 'selects no pods' });
      }
    } else if (o.kind === 'ServiceMonitor') {
      const selector = field(o, 'spec', 'selector');
      const services = objects.filter(
        (s) =>
          s.kind === 'Service' && inNamespace(s, o) && selectorMatches(selector, s.metadata.labels ?? {}),
      );
      if (services.length === 0)
        issues.push({ object: ref, path: '/spec/selector', message: 'selects no Service' });
      records(field(o, 'spec', 'endpoints')).forEach((endpoint, i) => {
        const port = endpoint['port'];
        for (const s of services) {
          const names = records(field(s, 'spec', 'ports')).map((p) => p['name']);
          if (!names.includes(port)) {
            issues.push({
              object: ref,
              path: `/spec/endpoints/${i}/port`,
              message: `port "${String(port)}" is not a port of ${objectRef(s)}`,
            });
          }
        }
      });
    } else if (o.kind === 'ScaledObject') {
      const target = field(o, 'spec', 'scaleTargetRef');
      const kind = String(field(target, 'kind') ?? 'Deployment');
      const name = field(target, 'name');
      const workload = objects.find((w) => w.kind === kind && w.metadata.name === name && inNamespace(w, o));
      if (!workload) {
        issues.push({
          object: ref,
          path: '/spec/scaleTargetRef',
          message: `no ${kind} named "${String(name)}"`,
        });
      } else if (field(workload, 'spec', 'replicas') !== undefined) {
        issues.push({
          object: objectRef(workload),
          path: '/spec/replicas',
          message: `is set although ${ref} owns the replica count (every apply would fight the autoscaler)`,
        });
      }
    }
  }
  return issues;
}

/** Every port named by a probe, a Service targetPort or a NetworkPolicy ingress rule exists on the container(s). */
export function checkPorts(objects: readonly KubeObject[]): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const w of workloads(objects)) {
    const ports = containerPorts(w.podSpec);
    containers(w.podSpec).forEach((container, c) => {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const port = field(container, probe, handler, 'port');
          if (port !== undefined && !portExists(port, ports)) {
            issues.push({
              object: objectRef(w.object),
              path: `/spec/template/spec/containers/${c}/${probe}/${handler}/port`,
              message: `port "${String(port)}" is not a container port`,
            });
          }
        }
      }
    });
  }
  for (const o of objects) {
    if (o.kind === 'Service') {
      const pods = selected(objects, o, field(o, 'spec', 'selector'));
      records(field(o, 'spec', 'ports')).forEach((port, i) => {
        const target = port['targetPort'] ?? port['port'];
        for (const w of pods) {
          if (!portExists(target, containerPorts(w.podSpec))) {
            issues.push({
              object: objectRef(o),
              path: `/spec/ports/${i}/targetPort`,
              message: `port "${String(target)}" is not a container port of ${objectRef(w.object)}`,
            });
          }
        }
      });
    } else if (o.kind === 'NetworkPolicy') {
      const pods = selected(objects, o, field(o, 'spec', 'podSelector'));
      records(field(o, 'spec', 'ingress')).forEach((rule, r) => {
        records(rule['ports']).forEach((port, p) => {
          const name = port['port'];
          if (typeof name !== 'string') return;
          for (const w of pods) {
            if (!containerPorts(w.podSpec).names.has(name)) {
              issues.push({
                object: objectRef(o),
                path: `/spec/ingress/${r}/ports/${p}/port`,
                message: `port "${name}" is not a container port of ${objectRef(w.object)}`,
              });
            }
          }
        });
      });
    }
  }
  return issues;
}

/** Objects the manifests reference but do not contain, because the operator creates them (k8s/operator-provided.yaml). */
export interface OperatorProvided {
  secrets: { name: string; keys: string[] }[];
  configMaps?: { name: string; keys: string[] }[];
}

/** Every ConfigMap/Secret (and key) a workload references exists in the render or is operator-provided. */
export function checkConfigReferences(
  objects: readonly KubeObject[],
  provided: OperatorProvided,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const configMapKeys = (name: string, by: KubeObject): string[] | undefined => {
    const rendered = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === name && inNamespace(o, by),
    );
    if (rendered)
      return [...Object.keys(stringMap(rendered['data'])), ...Object.keys(stringMap(rendered['binaryData']))];
    return provided.configMaps?.find((c) => c.name === name)?.keys;
  };
  const secretKeys = (name: string, by: KubeObject): string[] | undefined => {
    const rendered = objects.find(
      (o) => o.kind === 'Secret' && o.metadata.name === name && inNamespace(o, by),
    );
    if (rendered)
      return [...Object.keys(stringMap(rendered['data'])), ...Object.keys(stringMap(rendered['stringData']))];
    return provided.secrets.find((s) => s.name === name)?.keys;
  };
  const check = (
    by: KubeObject,
    path: string,
    kind: 'ConfigMap' | 'Secret',
    name: unknown,
    key?: unknown,
  ) => {
    const keys = kind === 'ConfigMap' ? configMapKeys(String(name), by) : secretKeys(String(name), by);
    if (!keys) {
      issues.push({
        object: objectRef(by),
        path,
        message: `${kind} "${String(name)}" is neither rendered nor listed as operator-provided`,
      });
    } else if (key !== undefined && !keys.includes(String(key))) {
      issues.push({
        object: objectRef(by),
        path,
        message: `${kind} "${String(name)}" has no key "${String(key)}"`,
      });
    }
  };
  for (const w of workloads(objects)) {
    const base = '/spec/template/spec';
    containers(w.podSpec).forEach((container, c) => {
      records(container['envFrom']).forEach((source, s) => {
        const cm = field(source, 'configMapRef', 'name');
        const secret = field(source, 'secretRef', 'name');
        if (cm !== undefined)
          check(w.object, `${base}/containers/${c}/envFrom/${s}/configMapRef`, 'ConfigMap', cm);
        if (secret !== undefined)
          check(w.object, `${base}/containers/${c}/envFrom/${s}/secretRef`, 'Secret', secret);
      });
      records(container['env']).forEach((env, e) => {
        const cm = field(env, 'valueFrom', 'configMapKeyRef');
        const secret = field(env, 'valueFrom', 'secretKeyRef');
        const path = `${base}/containers/${c}/env/${e}/valueFrom`;
        if (isRecord(cm)) check(w.object, `${path}/configMapKeyRef`, 'ConfigMap', cm['name'], cm['key']);
        if (isRecord(secret))
          check(w.object, `${path}/secretKeyRef`, 'Secret', secret['name'], secret['key']);
      });
    });
    records(w.podSpec['volumes']).forEach((volume, v) => {
      const cm = field(volume, 'configMap');
      if (isRecord(cm)) {
        check(w.object, `${base}/volumes/${v}/configMap`, 'ConfigMap', cm['name']);
        records(cm['items']).forEach((item, i) =>
          check(
            w.object,
            `${base}/volumes/${v}/configMap/items/${i}/key`,
            'ConfigMap',
            cm['name'],
            item['key'],
          ),
        );
      }
      const secret = field(volume, 'secret', 'secretName');
      if (secret !== undefined) check(w.object, `${base}/volumes/${v}/secret`, 'Secret', secret);
    });
  }
  return issues;
}

/** The environment variable names a container receives (explicit env + every key of its envFrom ConfigMaps). */
export function providedEnvironment(
  objects: readonly KubeObject[],
  workload: KubeObject,
  containerName: string,
): Set<string> {
  const names = new Set<string>();
  const container = records(field(workload, 'spec', 'template', 'spec', 'containers')).find(
    (c) => c['name'] === containerName,
  );
  if (!container) return names;
  for (const env of records(container['env'])) if (typeof env['name'] === 'string') names.add(env['name']);
  for (const source of records(container['envFrom'])) {
    const prefix = typeof source['prefix'] === 'string' ? source['prefix'] : '';
    const cm = field(source, 'configMapRef', 'name');
    const rendered = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === cm && inNamespace(o, workload),
    );
    for (const key of Object.keys(stringMap(rendered?.['data']))) names.add(prefix + key);
  }
  return names;
}

/** What one service reads from its environment: the names it cannot start without, and every name it knows. */
export interface ServiceEnvironment {
  service: string;
  required: string[];
}

/** Every required variable of each service's environment schema reaches its container (Deployment and container named after the service). */
export function checkEnvironment(
  objects: readonly KubeObject[],
  services: readonly ServiceEnvironment[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const { service, required } of services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
    if (!deployment) {
      issues.push({ object: `Deployment/-/${service}`, path: '', message: 'is missing' });
      continue;
    }
    const containerIndex = records(field(deployment, 'spec', 'template', 'spec', 'containers')).findIndex(
      (c) => c['name'] === service,
    );
    if (containerIndex < 0) {
      issues.push({
        object: objectRef(deployment),
        path: '/spec/template/spec/containers',
        message: `has no container "${service}"`,
      });
      continue;
    }
    const provided = providedEnvironment(objects, deployment, service);
    for (const name of required) {
      if (!provided.has(name)) {
        issues.push({
          object: objectRef(deployment),
          path: `/spec/template/spec/containers/${containerIndex}/env`,
          message: `${name} is required by the ${service} service but is not provided`,
        });
      }
    }
  }
  return issues;
}

/** Each pod's termination grace outlasts its preStop pause plus the service's drain budget (SHUTDOWN_TIMEOUT_MS). */
export function checkGracefulShutdown(
  objects: readonly KubeObject[],
  services: readonly string[],
  defaultDrainMs: number,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const service of services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
    if (!deployment) continue;
    const podSpec = field(deployment, 'spec', 'template', 'spec');
    const container = records(field(podSpec, 'containers')).find((c) => c['name'] === service);
    let drainMs = defaultDrainMs;
    const explicit = records(container?.['env']).find((e) => e['name'] === 'SHUTDOWN_TIMEOUT_MS');
    if (explicit && typeof explicit['value'] === 'string') drainMs = Number(explicit['value']);
    else {
      for (const source of records(container?.['envFrom'])) {
        const cm = objects.find(
          (o) =>
            o.kind === 'ConfigMap' &&
            o.metadata.name === field(source, 'configMapRef', 'name') &&
            inNamespace(o, deployment),
        );
        const value = stringMap(cm?.['data'])['SHUTDOWN_TIMEOUT_MS'];
        if (value !== undefined) drainMs = Number(value);
      }
    }
    const preStop = field(container, 'lifecycle', 'preStop', 'sleep', 'seconds');
    const preStopMs = typeof preStop === 'number' ? preStop * 1000 : 0;
    const grace = field(podSpec, 'terminationGracePeriodSeconds');
    const graceMs = (typeof grace === 'number' ? grace : 30) * 1000;
    if (!(graceMs > preStopMs + drainMs)) {
      issues.push({
        object: objectRef(deployment),
        path: '/spec/template/spec/terminationGracePeriodSeconds',
        message: `${graceMs / 1000} s does not outlast preStop (${preStopMs / 1000} s) + SHUTDOWN_TIMEOUT_MS (${drainMs / 1000} s)`,
      });
    }
  }
  return issues;
}

/** Every container of the services has probes on /healthz and /readyz, resources and the hardened security context. */
export function checkServiceContainers(
  objects: readonly KubeObject[],
  services: readonly string[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const service of services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
    if (!deployment) continue;
    const ref = objectRef(deployment);
    const podSpec = field(deployment, 'spec', 'template', 'spec');
    if (field(podSpec, 'securityContext', 'runAsNonRoot') !== true) {
      issues.push({
        object: ref,
        path: '/spec/template/spec/securityContext/runAsNonRoot',
        message: 'must be true',
      });
    }
    records(field(podSpec, 'containers')).forEach((c, i) => {
      const at = `/spec/template/spec/containers/${i}`;
      const expect = (path: string[], want: unknown, what: string) => {
        const value = field(c, ...path);
        const ok = Array.isArray(want) ? JSON.stringify(value) === JSON.stringify(want) : value === want;
        if (!ok) issues.push({ object: ref, path: `${at}/${path.join('/')}`, message: `must be ${what}` });
      };
      expect(['livenessProbe', 'httpGet', 'path'], '/healthz', '/healthz');
      expect(['readinessProbe', 'httpGet', 'path'], '/readyz', '/readyz');
      expect(['securityContext', 'readOnlyRootFilesystem'], true, 'true');
      expect(['securityContext', 'allowPrivilegeEscalation'], false, 'false');
      expect(['securityContext', 'capabilities', 'drop'], ['ALL'], '[ALL]');
      for (const r of ['requests', 'limits']) {
        for (const k of ['cpu', 'memory']) {
          if (field(c, 'resources', r, k) === undefined) {
            issues.push({ object: ref, path: `${at}/resources/${r}/${k}`, message: 'must be set' });
          }
        }
      }
    });
  }
  return issues;
}

/** Topic expectations: one KafkaTopic per product topic, with the partitions the topology gives it. */
export interface TopicExpectation {
  topic: string;
  partitions: number;
}

/** Every topic has a KafkaTopic with its partitions, and no KafkaTopic names a topic the product does not have. */
export function checkKafkaTopics(
  objects: readonly KubeObject[],
  expected: readonly TopicExpectation[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const topics = objects.filter((o) => o.kind === 'KafkaTopic');
  for (const { topic, partitions } of expected) {
    const object = topics.find((t) => (field(t, 'spec', 'topicName') ?? t.metadata.name) === topic);
    if (!object) {
      issues.push({ object: `KafkaTopic/-/${topic}`, path: '', message: `topic ${topic} has no KafkaTopic` });
    } else if (field(object, 'spec', 'partitions') !== partitions) {
      issues.push({
        object: objectRef(object),
        path: '/spec/partitions',
        message: `must be ${partitions} (libs/shared/messaging topology), is ${String(field(object, 'spec', 'partitions'))}`,
      });
    }
  }
  for (const t of topics) {
    const name = field(t, 'spec', 'topicName') ?? t.metadata.name;
    if (!expected.some((e) => e.topic === name)) {
      issues.push({
        object: objectRef(t),
        path: '/spec/topicName',
        message: `${String(name)} is not a product topic`,
      });
    }
  }
  return issues;
}

/**
 * KEDA Kafka triggers name product topics and the target's consumer group, and maxReplicaCount never exceeds the
 * partitions of any topic the group consumes (more consumers than partitions sit idle).
 */
export function checkLagScaling(
  objects: readonly KubeObject[],
  expected: readonly TopicExpectation[],
  consumerGroups: Readonly<Record<string, string>>,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const o of objects.filter((x) => x.kind === 'ScaledObject')) {
    const ref = objectRef(o);
    const target = String(field(o, 'spec', 'scaleTargetRef', 'name'));
    const max = field(o, 'spec', 'maxReplicaCount');
    const triggers = records(field(o, 'spec', 'triggers'));
    if (triggers.length === 0)
      issues.push({ object: ref, path: '/spec/triggers', message: 'has no trigger' });
    triggers.forEach((trigger, i) => {
      if (trigger['type'] !== 'kafka') return;
      const metadata = stringMap(trigger['metadata']);
      const at = `/spec/triggers/${i}/metadata`;
      const topic = expected.find((e) => e.topic === metadata['topic']);
      if (!topic) {
        issues.push({
          object: ref,
          path: `${at}/topic`,
          message: `${String(metadata['topic'])} is not a product topic`,
        });
      } else if (typeof max !== 'number' || max > topic.partitions) {
        issues.push({
          object: ref,
          path: '/spec/maxReplicaCount',
          message: `${String(max)} exceeds the ${topic.partitions} partitions of ${topic.topic}`,
        });
      }
      const group = consumerGroups[target];
      if (group === undefined || metadata['consumerGroup'] !== group) {
        issues.push({
          object: ref,
          path: `${at}/consumerGroup`,
          message: `must be the ${target} service's consumer group (${String(group)}), is ${String(metadata['consumerGroup'])}`,
        });
      }
    });
  }
  return issues;
}

/** What one service knows: every variable of its environment schema. */
export interface ServiceVariables {
  service: string;
  known: string[];
}

/**
 * The reverse direction: a variable the manifests set but no service reads is a typo or a leftover (it would be
 * silently ignored). A service container's explicit `env` must be known to that service; a key of a ConfigMap the
 * services load with envFrom must be known to at least one of them or be read through a configMapKeyRef.
 * `otherReaders` are prefixes read outside the schemas (e.g. `OTEL_`, read by the OpenTelemetry preload).
 */
export function checkUnknownVariables(
  objects: readonly KubeObject[],
  services: readonly ServiceVariables[],
  otherReaders: readonly string[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const external = (name: string) => otherReaders.some((prefix) => name.startsWith(prefix));
  const everyKnown = new Set(services.flatMap((s) => s.known));
  const keyRefs = new Set<string>();
  const envFromMaps = new Set<string>();
  for (const w of workloads(objects)) {
    for (const c of containers(w.podSpec)) {
      for (const env of records(c['env'])) {
        const ref = field(env, 'valueFrom', 'configMapKeyRef');
        if (isRecord(ref)) keyRefs.add(`${String(ref['name'])}/${String(ref['key'])}`);
      }
    }
  }
  for (const { service, known } of services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
    const list = records(field(deployment, 'spec', 'template', 'spec', 'containers'));
    const index = list.findIndex((c) => c['name'] === service);
    const container = list[index];
    if (!deployment || !container) continue;
    records(container['env']).forEach((env, e) => {
      const name = String(env['name']);
      if (!known.includes(name) && !external(name)) {
        issues.push({
          object: objectRef(deployment),
          path: `/spec/template/spec/containers/${index}/env/${e}/name`,
          message: `${name} is not read by the ${service} service`,
        });
      }
    });
    for (const source of records(container['envFrom'])) {
      const name = field(source, 'configMapRef', 'name');
      if (typeof name === 'string') envFromMaps.add(name);
    }
  }
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && envFromMaps.has(o.metadata.name))) {
    for (const key of Object.keys(stringMap(cm['data']))) {
      if (!everyKnown.has(key) && !external(key) && !keyRefs.has(`${cm.metadata.name}/${key}`)) {
        issues.push({
          object: objectRef(cm),
          path: `/data/${key}`,
          message: `${key} is not read by any service`,
        });
      }
    }
  }
  return issues;
}

/** Parses one variable's value with the service's schema for it: an error message, or undefined when it parses. */
export type VariableParser = (name: string, value: string) => string | undefined;

/**
 * Every value the manifests spell out (ConfigMap data loaded by envFrom or configMapKeyRef, literal `env` values)
 * parses with the service's own schema for that variable, e.g. KAFKA_BROKERS as host:port list, PUBLIC_BASE_URL as
 * an http(s) URL. Secret values are not in the repository and are not checked.
 */
export function checkEnvironmentValues(
  objects: readonly KubeObject[],
  services: readonly { service: string; parse: VariableParser }[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const { service, parse } of services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
    const list = records(field(deployment, 'spec', 'template', 'spec', 'containers'));
    const index = list.findIndex((c) => c['name'] === service);
    const container = list[index];
    if (!deployment || !container) continue;
    const configMap = (name: unknown) =>
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && inNamespace(o, deployment));
    const check = (name: string, value: string, object: KubeObject, path: string) => {
      const error = parse(name, value);
      if (error !== undefined) {
        issues.push({
          object: objectRef(object),
          path,
          message: `${name}="${value}" is rejected by ${service}: ${error}`,
        });
      }
    };
    for (const source of records(container['envFrom'])) {
      const cm = configMap(field(source, 'configMapRef', 'name'));
      if (!cm) continue;
      for (const [key, value] of Object.entries(stringMap(cm['data']))) check(key, value, cm, `/data/${key}`);
    }
    records(container['env']).forEach((env, e) => {
      const name = String(env['name']);
      const at = `/spec/template/spec/containers/${index}/env/${e}`;
      if (typeof env['value'] === 'string') check(name, env['value'], deployment, `${at}/value`);
      const ref = field(env, 'valueFrom', 'configMapKeyRef');
      if (isRecord(ref)) {
        const cm = configMap(ref['name']);
        const value = stringMap(cm?.['data'])[String(ref['key'])];
        if (cm && value !== undefined) check(name, value, cm, `/data/${String(ref['key'])}`);
      }
    });
  }
  return issues;
}
