export { serviceProbeSuite } from './lib/service-probe-suite';
export {
  freePort,
  getJson,
  startServiceProcess,
  workspaceRoot,
  type ServiceProcess,
} from './lib/service-process';
export {
  isolatedMongoUrl,
  stackAddresses,
  testLogger,
  uniqueName,
  waitFor,
  type WaitOptions,
} from './lib/stack';
export { TcpProxy } from './lib/tcp-proxy';
export { startManageSimulator, type ManageSimulatorProcess } from './lib/manage-simulator-process';
