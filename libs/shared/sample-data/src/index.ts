export { Random } from './lib/random';
export * from './manage';
export * from './hudu';
