// @ts-check
import eslint from '@eslint/js';
import mcify from 'eslint-plugin-mcify';
import tseslint from 'typescript-eslint';

/**
 * The sources of the fixture servers done right (not their tests): linted with this repository's own
 * plugin, typed through fixtures/servers/tsconfig.json, and must stay clean. The code-style presets
 * below are not applied to them.
 */
const mcifyLinted = ['fixtures/servers/{orders,ledger-sessions}/src/**/*.ts', 'fixtures/servers/{orders,ledger-sessions}/mcify.config.ts'];

export default tseslint.config(
  {
    // Build output, and deliberately flawed code that its own suites test (lint corpus, vulnerable
    // fixtures): all of fixtures/ but the sources in mcifyLinted (each folder on the way un-ignored).
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      // The project on the published mcify: it imports the published @mcify/core, which this repository
      // does not install; test/published/packed-install.test.ts lints it with ESLint where it is installed.
      'test/published/project/**',
      'fixtures/**/*',
      '!fixtures/servers/',
      '!fixtures/servers/{orders,ledger-sessions}/',
      '!fixtures/servers/{orders,ledger-sessions}/src/',
      '!fixtures/servers/{orders,ledger-sessions}/src/**/',
      ...mcifyLinted.map((pattern) => `!${pattern}`),
    ],
  },
  {
    ignores: mcifyLinted,
    extends: [eslint.configs.recommended, tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Root tool configs belong to no package project.
          allowDefaultProject: ['vitest.config.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Last, so its `projectService: true` applies: fixtures/servers/tsconfig.json covers these files.
    files: mcifyLinted,
    extends: [mcify.configs['recommended-type-checked']],
  },
);
