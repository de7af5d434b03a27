/**
 * Tests run through the real app against a real database (embedded PGlite, or DATABASE_URL).
 * SWC compiles TypeScript, and the few dependencies published only as ES modules, to CommonJS: jest on
 * Node 20 cannot require an ES module.
 */
const esmOnlyPackages = ['content-disposition', 'cookie'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper: { '^@adsync/tenant-sim$': '<rootDir>/../tenant-sim/src/index.ts' },
  // Also the hooks' limit: starting the embedded database took over 60 s on a machine loaded to 10.
  testTimeout: 120000,
  maxWorkers: 2,
};
