// What the benchmarks share: the test environment's variables, and the system under test (the test target
// image as a dnsrr service on an attachable overlay network, labelled atq.bench=1, removed afterwards).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** test/env/up.sh's variables, unless the caller exported them; --two-node points DOCKER_HOST at that swarm. */
export function benchEnv({ twoNode = false } = {}) {
  const have =
    process.env.DOCKER_HOST && process.env.ATQ_TEST_JMETER_IMAGE && process.env.ATQ_TEST_TARGET_IMAGE;
  if (!have || (twoNode && !process.env.ATQ_TEST_TWO_NODE_DOCKER_HOST)) {
    const out = execFileSync('bash', ['test/env/up.sh', ...(twoNode ? ['--two-node'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2];
  }
  if (twoNode) process.env.DOCKER_HOST = process.env.ATQ_TEST_TWO_NODE_DOCKER_HOST;
}

export const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** Starts the target; `dispose()` removes it and its network (retrying while the network is still in use). */
export function startBenchTarget() {
  const id = Math.random().toString(16).slice(2, 8);
  const net = `atq-bench-sut-${id}`;
  const target = `atq-bench-target-${id}`;
  docker('network', 'create', '-d', 'overlay', '--attachable', '--label', 'atq.bench=1', net);
  docker(
    ...['service', 'create', '-d', '-q', '--no-resolve-image', '--name', target, '--label', 'atq.bench=1'],
    ...['--endpoint-mode', 'dnsrr', '--network', net, process.env.ATQ_TEST_TARGET_IMAGE],
  );
  const dispose = () => {
    spawnSync('docker', ['service', 'rm', target], { stdio: 'ignore' });
    for (let i = 0; i < 40; i++) {
      if (spawnSync('docker', ['network', 'rm', net], { stdio: 'ignore' }).status === 0) break;
      execFileSync('sleep', ['0.5']);
    }
  };
  return { net, target, dispose };
}

/**
 * `atq run` (dist/cli.js) with the test image, the target's network and host and test/fixtures/plans/http, plus
 * `args`; throws with the end of its output when it fails. Returns the run's folder and the wall time.
 */
export function runAtq({ net, target }, args) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'atq-bench-'));
  const t0 = Date.now();
  const res = spawnSync(
    process.execPath,
    [
      ...['dist/cli.js', 'run', '--image', process.env.ATQ_TEST_JMETER_IMAGE, '--attach-network', net],
      ...['--prop', `target.host=${target}`, '--test-dir', 'test/fixtures/plans/http', '--out', out, ...args],
    ],
    { encoding: 'utf8' },
  );
  const wall = Date.now() - t0;
  if (res.status !== 0) throw new Error(`atq run ${args.join(' ')} failed:\n${res.stderr.slice(-3000)}`);
  const { runId } = JSON.parse(res.stdout.trim().split('\n').pop());
  return { dir: path.join(out, runId), wall };
}
