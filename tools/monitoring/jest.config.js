module.exports = {
  displayName: 'monitoring',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // The consistency test starts the five built services against the real Kafka broker and FerretDB.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  testTimeout: 180_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../coverage/tools/monitoring',
};
