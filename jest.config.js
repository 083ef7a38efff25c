/**
 * Two projects: unit tests (no services) and integration tests (the live stack that
 * scripts/stack starts). Integration tests share one broker and one Connect worker, so
 * scripts/test runs them in band to keep a 2-core machine from starving them.
 */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Every test runs as a development machine; a test of production behaviour passes its own environment.
  setupFiles: ['<rootDir>/scripts/development-env.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: { warnOnly: false }, isolatedModules: true }] },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.int.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'] },
  ],
};
