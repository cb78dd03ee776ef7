// Workspace lint rules. The module-boundary rule is the map of the repo: it keeps the arrows
// pointing one way (apps -> infra/domain -> contracts -> util) and keeps I/O out of domain libs.
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '**/.nx'] },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // type: what a project is. Apps wire; infra does I/O; domain is pure; contracts are the shared language.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:testing-data',
                'type:simulator',
                'type:testing',
                'type:infra',
                'type:client',
                'type:domain',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'type:simulator',
              onlyDependOnLibsWithTags: [
                'type:simulator',
                'type:testing',
                'type:domain',
                'type:contracts',
                'type:util',
                'type:testing-data',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:testing-data', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:infra',
              onlyDependOnLibsWithTags: [
                'type:simulator',
                'type:testing',
                'type:infra',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'type:client',
              onlyDependOnLibsWithTags: [
                'type:simulator',
                'type:testing',
                'type:infra',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:testing', 'type:domain', 'type:contracts', 'type:util'],
              bannedExternalImports: ['kafkajs', 'mongoose', 'mongodb', 'fastify', 'undici', 'pino'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:testing', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:testing-data',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: [
                'type:simulator',
                'type:infra',
                'type:client',
                'type:domain',
                'type:contracts',
                'type:util',
                'type:testing-data',
              ],
            },
            // scope: which service owns it. A service may use its own libs and shared ones, never another service's.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:fetcher', onlyDependOnLibsWithTags: ['scope:fetcher', 'scope:shared'] },
            { sourceTag: 'scope:matcher', onlyDependOnLibsWithTags: ['scope:matcher', 'scope:shared'] },
            { sourceTag: 'scope:importer', onlyDependOnLibsWithTags: ['scope:importer', 'scope:shared'] },
            { sourceTag: 'scope:link', onlyDependOnLibsWithTags: ['scope:link', 'scope:shared'] },
            {
              sourceTag: 'scope:admin',
              onlyDependOnLibsWithTags: ['scope:admin', 'scope:matcher', 'scope:shared'],
            },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'libs/shared/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Test helpers are for specs only (the boundary rule above allows the tag; this keeps it out of product code).
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test/**', 'libs/shared/testing/**', 'libs/simulators/**', 'tools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cw-hudu-sync/testing', message: 'Test helpers belong in specs only.' },
            { name: '@cw-hudu-sync/hudu-simulator', message: 'Simulators belong in specs and tools only.' },
            { name: '@cw-hudu-sync/sample-data', message: 'Sample data belongs in specs and tools only.' },
            { name: '@cw-hudu-sync/manage-simulator', message: 'Simulators belong in specs and tools only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': 'off',
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
];
