/**
 * Jest: SWC transform (no type-checking at test time: `npm run typecheck` does that). Two
 * projects: `unit` (pure code and the in-memory event store: no service at all, so
 * `npm run test:unit` passes with PostgreSQL and Redis stopped) and `services` (integration and
 * end-to-end tests, which find or start PostgreSQL, Redis and EventStoreDB first).
 */
const common = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/tests/unit'] },
    {
      ...common,
      displayName: 'services',
      roots: ['<rootDir>/tests/integration', '<rootDir>/tests/e2e'],
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
  ],
  testTimeout: 60_000, // a global option: projects do not take it
  reporters: ['default', '<rootDir>/tests/support/summaryReporter.js'],
};
