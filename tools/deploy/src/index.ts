export * from './lib/collector-config';
export * from './lib/cross-references';
export * from './lib/environment-schema';
export * from './lib/kustomize';
export * from './lib/manifests';
export * from './lib/schema-validation';
export * from './lib/selectors';
