import { readFileSync } from 'node:fs';
import { OLDEST_NODE } from '../../src/server/sqlite.js';

/**
 * The oldest Node.js atq supports is written where each front reads it: package.json's engines (npm, and
 * test/env/node.sh for CI and the tests), atq serve's error (src/server/sqlite.ts) and the Jenkins step's check
 * with its help. They say the same version.
 */
test('package.json, atq serve and the Jenkins step name the same oldest Node.js', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${OLDEST_NODE}`);
  const groovy = readFileSync('jenkins-shared-lib/src/io/atq/jenkins/AtqResults.groovy', 'utf8');
  expect(groovy).toContain(`static final String OLDEST_NODE = '${OLDEST_NODE}'`);
  const [major, minor] = OLDEST_NODE.split('.');
  const help = readFileSync('jenkins-shared-lib/vars/runLoadTest.txt', 'utf8');
  expect(help).toContain(`Needs Node.js ${major}.${minor} or later on the agent`);
});
