import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, killContainer, testClient } from '../helpers/env.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const plans = path.resolve('test/fixtures/plans');
const broken = path.resolve('test/fixtures/broken');
const suite = targetSuite(client);

const args = (testDir: string, ...more: string[]) => suite.runArgs('--test-dir', testDir, ...more);

describe('every failure says what went wrong and leaves nothing on the swarm', () => {
  test("an image that does not exist: the workers cannot start, and Docker's reason is quoted", async () => {
    const res = await runCli([
      ...args(path.join(plans, 'http')),
      '--image',
      'atq-no-such-image:1',
      '--ready-timeout',
      '60s',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[WORKERS_NOT_READY]');
    expect(res.stderr).toMatch(/No such image: atq-no-such-image:1/);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a malformed .jmx is refused before anything is created, naming the file and the XML error', async () => {
    const before = await leftovers(client);
    const res = await runCli(args(path.join(broken, 'malformed')));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[BUNDLE_INVALID]');
    expect(res.stderr).toMatch(/plan\.jmx is not well-formed XML: .*\d+:\d+/);
    expect(await leftovers(client)).toEqual(before);
  });

  test('a plan referencing a CSV that is not in the test directory is refused with the path', async () => {
    const res = await runCli(args(path.join(broken, 'missing-csv')));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[BUNDLE_INVALID]');
    expect(res.stderr).toContain('CSV Data Set file "data/nobody.csv"');
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test("a plan JMeter cannot load fails the run with JMeter's own error line", async () => {
    const res = await runCli(args(path.join(broken, 'unloadable')));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[JMETER_PLAN_FAILED]');
    expect(res.stderr).toMatch(/NoSuchSampler|CannotResolveClassException|Problem loading XML/);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a worker container killed mid-run fails the run with that worker and its exit code', async () => {
    let kill: Promise<string> | undefined;
    const res = await runCli(args(path.join(plans, 'http'), ...LONG_RUN), {
      onOutput: (soFar) => {
        if (kill || !soFar.includes(ENGINES_STARTED)) return;
        const runId = /run (\S+): results go to/.exec(soFar)?.[1] as string;
        kill = (async () => {
          const objects = await client.listLabelled(`atq.run=${runId}`);
          const worker = objects.find((o) => o.kind === 'container' && o.labels['atq.role'] === 'workers');
          if (!worker)
            return `no worker container among ${objects.map((o) => `${o.kind} ${o.name}`).join(', ')}`;
          await killContainer(worker.id);
          return 'killed';
        })().catch((e: Error) => `kill failed: ${e.message}`);
      },
    });
    expect(await kill).toBe('killed');
    expect(res.stderr).toContain('[WORKER_FAILED]');
    expect(res.stderr).toMatch(/worker \d \(task \w+\) is failed, exit code 137/);
    expect(res.code).toBe(1);
    // What the master recorded before the failure is kept.
    expect(existsSync(path.join(suite.out, runIdOf(res), 'results.jtl'))).toBe(true);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a master killed while it waits at its start gate fails the run with its exit code', async () => {
    let kill: Promise<string> | undefined;
    // The master waits at its gate until the workers are ready and the wait command is done: 6 s to kill it.
    const res = await runCli([...args(path.join(plans, 'http')), '--wait-command', 'sleep 6'], {
      onOutput: (soFar) => {
        const runId = /run (\S+): results go to/.exec(soFar)?.[1];
        if (kill || !runId || !soFar.includes('wait command: sleep 6')) return;
        kill = (async () => {
          const objects = await client.listLabelled(`atq.run=${runId}`);
          const master = objects.find((o) => o.kind === 'container' && o.labels['atq.role'] === 'master');
          if (!master)
            return `no master container among ${objects.map((o) => `${o.kind} ${o.name}`).join(', ')}`;
          await killContainer(master.id);
          return 'killed';
        })().catch((e: Error) => `kill failed: ${e.message}`);
      },
    });
    expect(await kill).toBe('killed');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[MASTER_FAILED]');
    expect(res.stderr).toMatch(/stopped from outside .*exit code 137/);
    // Killed before JMeter loaded the plan: that happens only once the gate opens.
    expect(res.stderr).toContain('ready to run basic.jmx on 2 worker(s) once they are up');
    expect(res.stderr).not.toContain('Created the tree successfully');
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('--timeout stops a run that takes too long, keeps partial results and cleans up', async () => {
    const res = await runCli(args(path.join(plans, 'http'), ...LONG_RUN, '--timeout', '25s'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[RUN_TIMEOUT]');
    expect(res.stderr).toContain('--timeout of 25.0s');
    // The partial results are kept and analysed.
    const summary = JSON.parse(readFileSync(path.join(suite.out, runIdOf(res), 'summary.json'), 'utf8'));
    expect(summary.totals.samples).toBeGreaterThan(10);
    expect(summary.run).toMatchObject({ status: 'failed', error: { code: 'RUN_TIMEOUT' } });
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a run that forgot --attach-network: no gates, yet every report says every request failed and why', async () => {
    const host = suite.target.host;
    // The target's name resolves only on its own network, which this run does not join.
    const http = path.join(plans, 'http');
    const res = await runCli(
      ['run', '--image', jmeterImage(), '--test-dir', http, '--out', suite.out, '--prop', 'loops=3'].concat([
        '--prop',
        `target.host=${host}`,
      ]),
    );
    expect(res.code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(suite.out, runIdOf(res), 'summary.json'), 'utf8'));
    const n = summary.totals.samples;
    expect(summary.verdict).toBe('no-gates');
    expect(summary.totals.errors).toBe(n);
    // Java words a failed lookup two ways ("host: Name or service not known", then, cached, "host").
    const kinds = summary.errors.total.kinds as { code: string; message: string; count: number }[];
    for (const k of kinds) {
      expect(k.code).toBe('Non HTTP response code: java.net.UnknownHostException');
      expect(k.message).toContain(host);
    }
    expect(kinds.reduce((sum, k) => sum + k.count, 0)).toBe(n);
    const warning = `every request failed: UnknownHostException for ${host} (${n} of ${n}) — is the target on a network the workers can reach? See --attach-network`;
    expect(summary.warnings).toContain(warning);
    expect(res.stderr).toContain(`[atq]   warning: ${warning}`);
    expect(res.stderr).toContain(`[atq]   errors: ${n} of ${n} samples failed (100%), most frequent first:`);
    expect(res.stderr).toMatch(/\[atq\] {4} *\d+ \([\d.]+%\) UnknownHostException: atq-test-target-/);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('plaintext tcp:// is refused unless asked for, with what to do', async () => {
    const res = await runCli([...args(path.join(plans, 'http')), '--docker-host', 'tcp://127.0.0.1:2375'], {
      env: { DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[DOCKER_CONNECT]');
    expect(res.stderr).toContain('--insecure-plaintext');
  });
});
