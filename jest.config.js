/** ESM + TypeScript through ts-jest; integration tests talk to the real swarm brought up by test/env/up.sh. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Integration tests share one swarm and two CPU cores: running them one at a time keeps timings sane.
  maxWorkers: 1,
  testTimeout: 300000,
};
