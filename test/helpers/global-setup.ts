import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Brings up the real environment (test/env/up.sh --two-node: TLS engine, swarms, images; test/env/fronts.sh:
 * act, Node 24 and the oldest Node atq supports; test/env/plugins.sh: JMeter plugin jars) unless the caller already exported it, and hands its variables to the test workers through
 * process.env.
 */
export default function globalSetup(): void {
  if (
    !process.env.ATQ_TEST_JMETER_IMAGE ||
    !process.env.ATQ_TEST_BUSYBOX_IMAGE ||
    !process.env.DOCKER_HOST ||
    !process.env.ATQ_TEST_TWO_NODE_DOCKER_HOST
  )
    exportFrom('test/env/up.sh', '--two-node');
  // act, actionlint and Node 24, for the GitHub Action's tests; the oldest Node atq supports.
  if (!process.env.ATQ_TEST_ACT || !process.env.ATQ_TEST_NODE24_BIN || !process.env.ATQ_TEST_NODE_OLDEST_BIN)
    exportFrom('test/env/fronts.sh');
  // JMeter plugin jars from Maven Central, for the plugin tests (never committed).
  if (!process.env.ATQ_TEST_PLUGIN_JARS) exportFrom('test/env/plugins.sh');
}

function exportFrom(script: string, ...args: string[]): void {
  const out = execFileSync('bash', [path.resolve(script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1] as string] = m[2];
}
