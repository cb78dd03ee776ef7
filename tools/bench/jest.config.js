module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // The smoke test starts the built services and simulators against the real Kafka broker and FerretDB.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  testTimeout: 600_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../coverage/tools/bench',
};
