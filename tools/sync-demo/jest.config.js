module.exports = {
  displayName: 'sync-demo',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // End-to-end tests start the built services and simulators against the real Kafka broker and FerretDB.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  testTimeout: 300_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // The medium-dataset end-to-end tests take ~10 minutes each: only when asked (README, "Working on it").
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.CWHS_MEDIUM_E2E === '1' ? [] : ['\\.medium\\.e2e\\.spec\\.ts$']),
  ],
  coverageDirectory: '../../coverage/tools/sync-demo',
};
