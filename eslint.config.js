import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const timeAndEntropy = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Read time from the injected Clock (src/platform/clock.ts).' },
    { object: 'Math', property: 'random', message: 'Use the injected Random (src/platform/random.ts).' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read time from the injected Clock.' },
  ],
};

/**
 * Which part may import which (docs/architecture.md). Each part lists what it must not reach; a
 * relative import is matched by the folder it names.
 */
const ROOT = {
  regex: '(^|/)((app|serve|cli)\\.js$|cli/)',
  message: 'Only the root (app.ts, serve.ts, cli.ts) composes the server.',
};
const DOMAINS = { regex: '(^|/)domains/', message: 'Domains sit above this part: it must not import them.' };
const PIPELINE = { regex: '(^|/)pipeline/', message: 'The pipeline sits above this part: it must not import it.' };
const STORE = { regex: '(^|/)store/', message: 'The wire contract is shared with clients: it must not import the store.' };
const PLATFORM = {
  regex: '(^|/)platform/',
  message: 'The wire contract is shared with clients: it must not import the platform.',
};
const SERVER_PACKAGES = {
  regex: '^(fastify|@fastify/.*|pg|better-sqlite3|pino)$',
  message: 'The wire contract is shared with clients: no server packages.',
};
const parts = (files, ...forbidden) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/platform/**'], rules: timeAndEntropy },
  parts(['src/wire/**/*.ts'], ROOT, DOMAINS, PIPELINE, STORE, PLATFORM, SERVER_PACKAGES),
  parts(['src/platform/**/*.ts'], ROOT, DOMAINS, PIPELINE, STORE),
  parts(['src/store/**/*.ts'], ROOT, DOMAINS, PIPELINE),
  parts(['src/pipeline/**/*.ts'], ROOT, DOMAINS),
  parts(['src/domains/**/*.ts'], ROOT),
  // The console is a client of the admin API over HTTP: it imports nothing of the server.
  parts(['console/**/*.ts', 'console/**/*.tsx'], {
    regex: '(^|/)src/',
    message: 'The console talks to the server over HTTP only.',
  }),
  { files: ['console/src/**/*.tsx', 'console/src/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
);
