module.exports = {
  displayName: 'admin',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // Integration tests here talk to the real Kafka broker and MongoDB-protocol server.
  globalSetup: '<rootDir>/../../tools/jest/stack-setup.js',
  testTimeout: 60_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/admin',
};
