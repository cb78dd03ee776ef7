export { SecretBox } from './lib/secret-box';
