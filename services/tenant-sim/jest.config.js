/**
 * The simulator is tested over real HTTPS: run `node dist/cli.js ensure-ca` (or `npm test`, which does)
 * so NODE_EXTRA_CA_CERTS points at a CA that exists before jest starts.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 30000,
  maxWorkers: 2,
};
