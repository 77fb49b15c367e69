/** ESM + TypeScript through ts-jest. Integration tests talk to the real swarm brought up by test/env/up.sh. */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
};

export default {
  // Integration tests share one swarm and two CPU cores: one test file at a time keeps timings sane.
  maxWorkers: 1,
  reporters: ['<rootDir>/test/helpers/default-reporter.cjs', '<rootDir>/test/helpers/summary-reporter.cjs'],
  // A real distributed run takes 10-40 s; the limit only stops a hung test.
  testTimeout: 300_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
    },
  ],
};
