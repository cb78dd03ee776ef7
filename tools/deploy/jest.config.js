module.exports = {
  displayName: 'deploy',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // image-check starts the built apps against the real Kafka broker and MongoDB-protocol server.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  // The first run builds kustomize (~2 min) and image-check installs five apps' production dependencies.
  testTimeout: 600_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../coverage/tools/deploy',
};
