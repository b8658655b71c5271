// ESLint: the TypeScript rules most worth having, and the one that guards determinism: code under
// workflows/ runs in Temporal's sandbox, replayed from history, so it may not import Node modules
// or read the clock and randomness itself (the SDK's own Date and Math are deterministic there).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'events',
  'timers',
  'worker_threads',
];

// Modules outside workflows/ that workflows import and that must obey the same rules.
const WORKFLOW_SAFE_COMMON = ['common/working-time.ts', 'common/local-date.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tools/', 'test-artifacts/', 'web/src/api/schema.d.ts', 'web/src/api/enums.ts', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}', 'processes/*/web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests read loosely typed JSON answers; `any` there is what the answer is.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['workflows/**/*.ts', 'bench/bare-case-workflow.ts', ...WORKFLOW_SAFE_COMMON],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: NODE_BUILTINS, message: 'workflow code runs in the Temporal sandbox: no Node modules (do the I/O in an activity)' }] },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: "use now() from workflows/lib/time.ts (the SDK's deterministic clock)" },
        { object: 'Math', property: 'random', message: "randomness in a workflow must come from the SDK's deterministic source" },
      ],
    },
  },
  {
    // Working time is pure arithmetic on the case's pinned calendar: the host's tz database (Intl)
    // or clock would make a replay on another machine, or after a tzdata update, compute otherwise.
    files: WORKFLOW_SAFE_COMMON,
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Intl', message: 'working time reads UTC offsets from the pinned calendar, never from Intl' },
        { name: 'Date', message: 'working time is arithmetic on epoch milliseconds; no Date' },
      ],
    },
  },
);
