import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'build/',
      'node_modules/',
      'coverage/',
      'test-output/',
      'bench-output/',
      '.atq-env/',
      'jenkins-shared-lib/resources/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Jest loads reporters as CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // dockerode stays behind src/swarm/: the core gets a SwarmClient passed in.
    files: ['src/**/*.ts'],
    ignores: ['src/swarm/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['dockerode'] }] },
  },
);
