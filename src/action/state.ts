/** What main leaves the post step (GITHUB_STATE): enough to remove the run if main is killed. */
export const STATE = {
  runId: 'run-id',
  docker: 'docker',
  finished: 'finished',
  keep: 'keep',
  tlsDir: 'tls-dir',
} as const;
