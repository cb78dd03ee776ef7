// Shared Jest settings for every project. Each project's jest.config.js names this as its preset.
const nxPreset = require('@nx/jest/preset').default;

// ESM-only packages that CommonJS code requires (Node >= 22 can require(esm); Jest's module registry
// cannot), so Jest compiles them to CommonJS like our own sources.
const esmOnly = ['cookie'];

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
