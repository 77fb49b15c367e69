import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { jmeterImage, requireEnv } from '../helpers/env.js';

/**
 * The bundled CLI under Node 24, the runtime action.yml names: no deprecation warning reaches the user's
 * log. docker-modem's url.parse was DEP0169 on every call to a tcp:// engine (issue 22).
 */
test('atq doctor on Node 24 against the TLS swarm: every check ok, no DeprecationWarning', () => {
  const node = path.join(requireEnv('ATQ_TEST_NODE24_BIN'), 'node');
  const res = spawnSync(node, [path.resolve('dist/cli.js'), 'doctor', '--image', jmeterImage()], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '--trace-deprecation' },
    timeout: 180_000,
  });
  expect(res.stdout).toMatch(/^ok {4}connection: tcp:\/\/127\.0\.0\.1:\d+ \(TLS\)$/m);
  expect(res.stdout).toMatch(/^ok {4}image .* jmeter at \//m);
  expect(res.status).toBe(0);
  expect(res.stderr).not.toMatch(/DEP0\d+|DeprecationWarning/);
});
