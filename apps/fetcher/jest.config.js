module.exports = {
  displayName: 'fetcher',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // Integration tests here talk to the real Kafka broker and MongoDB-protocol server.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  setupFiles: ['<rootDir>/jest.setup.js'],
  testTimeout: 120_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/fetcher',
};
