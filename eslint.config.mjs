import globals from 'globals';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The modules of src/ and the modules each may import: dependencies point inward (see
 * docs/architecture.md). Any other module is refused, and so is a path into a module's insides:
 * a module is imported through its index.ts only. The composition root (src/app, src/main.ts)
 * and the command-line tools (src/cli) may use every module, through its front door.
 */
const LAYERS = {
  platform: [],
  events: ['platform'],
  // The pure domains: events, state, deciders, pure rules and views. No I/O.
  auction: ['events'],
  watching: ['events'],
  bidders: ['auction', 'events'],
  notifications: ['auction', 'events', 'invoicing', 'platform', 'watching'],
  analytics: ['auction', 'events'],
  sales: ['auction', 'events'],
  invoicing: ['auction', 'events'],
  auth: ['platform'],
  web: ['platform'],
  // The technical folders: each capability's I/O slice in a subfolder named after it.
  commands: ['auction', 'bidders', 'events', 'invoicing', 'platform', 'sales', 'watching'],
  projections: ['analytics', 'auction', 'bidders', 'events', 'invoicing', 'notifications', 'platform', 'sales', 'watching'],
  'read-api': [
    'analytics',
    'auction',
    'bidders',
    'events',
    'invoicing',
    'notifications',
    'platform',
    'projections',
    'sales',
    'watching',
  ],
  realtime: ['auction', 'events', 'notifications', 'platform', 'projections', 'read-api', 'sales'],
  scheduler: ['auction', 'bidders', 'commands', 'events', 'invoicing', 'platform', 'projections', 'sales'],
};
const MODULES = [...Object.keys(LAYERS), 'app', 'cli'];
const anyOf = (names) => `(${names.join('|')})`;
const FRONT_DOOR = 'Import another module through its index.ts (its front door), not its insides.';

// A file `depth` folders below src/ reaches another module by exactly `depth` `../`; a shorter
// climb stays inside its own module (src/projections/auction/ is the projections module's).
const boundaries = Object.entries(LAYERS).flatMap(([name, allowed]) => {
  const refused = MODULES.filter((m) => m !== name && !allowed.includes(m));
  return [1, 2, 3].map((depth) => {
    const up = `^(\\.\\./){${depth}}`;
    return {
      files: [`src/${name}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { regex: `${up}${anyOf(MODULES)}/.+`, message: FRONT_DOOR },
              {
                regex: `${up}${anyOf(refused)}$`,
                message: `src/${name} may import only ${allowed.length ? allowed.join(', ') : 'no other module'} (dependencies point inward).`,
              },
            ],
          },
        ],
      },
    };
  });
});
const frontDoorOnly = { regex: `^(\\.\\./)+${anyOf(MODULES)}/.+`, message: FRONT_DOOR };

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'reports/',
      'tests/client/generated/',
      'web/dist/',
      'web/src/generated/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  // A file is a screen or three: split by responsibility when it grows past this.
  // A function is one step with a name: a factory's methods become module-level functions of
  // what they share, a router's handlers one per route with its spec beside it.
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/app/**/*.ts', 'src/cli/**/*.ts', 'src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [frontDoorOnly, { regex: `^\\./${anyOf(MODULES)}/.+`, message: frontDoorOnly.message }] },
      ],
    },
  },
  { files: ['bench/**', 'tests/**', 'src/cli/**'], rules: { 'no-console': 'off' } },
  // The web app (web/): browser TypeScript, built by esbuild. It reaches the service only over
  // HTTP and the WebSocket, and of src only the pure increments and Dutch price (one definition each).
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+src/(?!auction/(increments|dutchPrice)$)', message: 'The web app uses the API, not the server code.' }] },
      ],
    },
  },
  { files: ['web/build.ts'], languageOptions: { globals: globals.node } },
);
