module.exports = {
  displayName: 'integrations',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  // Integration tests here talk to the real MongoDB-protocol server.
  globalSetup: '<rootDir>/../../../tools/jest/stack-setup.js',
  testTimeout: 60_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/shared/integrations',
};
