import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Brings up the real environment (test/env/up.sh --two-node: TLS engine, swarms, images) unless the
 * caller already exported it, and hands its variables to the test workers through process.env.
 */
export default function globalSetup(): void {
  if (
    process.env.ATQ_TEST_JMETER_IMAGE &&
    process.env.DOCKER_HOST &&
    process.env.ATQ_TEST_TWO_NODE_DOCKER_HOST
  )
    return;
  const script = path.resolve('test/env/up.sh');
  const out = execFileSync('bash', [script, '--two-node'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1] as string] = m[2];
}
