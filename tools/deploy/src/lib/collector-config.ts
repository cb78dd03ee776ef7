import { parse } from 'yaml';
import { isRecord } from './manifests';

/**
 * Structural check of an OpenTelemetry Collector configuration (it ships as a ConfigMap, so no CRD schema covers
 * it): every component a pipeline or `service.extensions` names is defined, and every pipeline has receivers and
 * exporters. Returns problems as `path: message`.
 */
export function checkCollectorConfig(text: string): string[] {
  const problems: string[] = [];
  const config: unknown = parse(text);
  if (!isRecord(config)) return ['/: is not a mapping'];
  const defined = (section: string) => new Set(isRecord(config[section]) ? Object.keys(config[section]) : []);
  const service = config['service'];
  const pipelines = isRecord(service) ? service['pipelines'] : undefined;
  if (!isRecord(pipelines) || Object.keys(pipelines).length === 0)
    problems.push('/service/pipelines: none defined');
  for (const [name, pipeline] of Object.entries(isRecord(pipelines) ? pipelines : {})) {
    for (const section of ['receivers', 'processors', 'exporters'] as const) {
      const listed = isRecord(pipeline) ? pipeline[section] : undefined;
      const names = Array.isArray(listed) ? listed.map(String) : [];
      if (section !== 'processors' && names.length === 0) {
        problems.push(`/service/pipelines/${name}/${section}: must name at least one`);
      }
      for (const component of names) {
        if (!defined(section).has(component)) {
          problems.push(
            `/service/pipelines/${name}/${section}: "${component}" is not defined under ${section}`,
          );
        }
      }
    }
  }
  const extensions =
    isRecord(service) && Array.isArray(service['extensions']) ? service['extensions'].map(String) : [];
  for (const extension of extensions) {
    if (!defined('extensions').has(extension)) {
      problems.push(`/service/extensions: "${extension}" is not defined under extensions`);
    }
  }
  return problems;
}
