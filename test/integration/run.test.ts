import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const plans = path.resolve('test/fixtures/plans');
const suite = targetSuite(client);
const baseArgs = () => suite.runArgs();

describe('atq run on the real TLS swarm', () => {
  test('runs a plan on 2 workers: every sample recorded, load from both workers, nothing left behind', async () => {
    const res = await runCli([
      ...baseArgs(),
      '--test-dir',
      path.join(plans, 'http'),
      '--prop',
      'threads=3',
      '--prop',
      'loops=7',
    ]);
    expect(res.stderr).toContain('succeeded');
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const dir = path.join(suite.out, runId);
    const rows = readJtl(path.join(dir, 'results.jtl'));
    // Every sample, though the run did not wait for JMeter's exit pause once the results file was closed.
    expect(res.stderr).toContain(
      "the master's results file is complete: not waiting for JMeter's exit pause",
    );
    expect(rows).toHaveLength(2 * 3 * 7);
    expect(rows.every((r) => r.success === 'true' && r.responseCode === '200')).toBe(true);
    const hosts = new Set(rows.map((r) => r.Hostname));
    expect([...hosts].sort()).toEqual([`atq-${runId}-workers-1`, `atq-${runId}-workers-2`]);
    for (const f of ['jmeter.log', 'logs/master.log', 'logs/worker-1.log', 'logs/worker-2.log']) {
      expect(existsSync(path.join(dir, f))).toBe(true);
    }
    // One plan: each worker exits as soon as its part has ended, not on the master's word at the end. And no
    // JVM made a preferences folder (one it makes is written out at its exit, at a cost: commands.ts).
    const log = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    for (const w of ['logs/worker-1.log', 'logs/worker-2.log']) {
      expect(log(w)).toMatch(/^Finished the test on host .* - exit requested\.$/m);
      expect(log(w)).not.toContain('Created user preferences directory');
    }
    expect(log('logs/master.log')).not.toContain('Exiting remote servers');
    expect(log('logs/master.log')).not.toContain('Created user preferences directory');
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({
      runId,
      status: 'succeeded',
      workersRequested: 2,
      workerImage: jmeterImage(),
    });
    expect(run.workerAddresses).toHaveLength(2);
    expect(run.plans[0]).toMatchObject({ plan: 'basic.jmx', samples: 42, exitCode: 0 });
    expect(Object.keys(run.stages)).toEqual(
      expect.arrayContaining(['connect', 'ready', 'master-run', 'cleanup']),
    );
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test.each([
    ['distributed', 'flags'],
    ['engines', 'ATQ_SECRET_PROPS'],
  ])(
    '--secret-prop (%s, from %s): every JMeter gets the properties, and no file, log or output holds a value',
    async (mode, how) => {
      const secret = `s3cr3t-${Date.now().toString(36)}`;
      const props = { threads: '3', loops: '7', 'api.key': secret };
      const flags = Object.entries(props).flatMap(([k, v]) => ['--secret-prop', `${k}=${v}`]);
      // The environment is how the Jenkins step hands them over: not on a command line.
      const res = await runCli(
        [
          ...baseArgs(),
          '--test-dir',
          path.join(plans, 'http'),
          '--mode',
          mode,
          ...(how === 'flags' ? flags : []),
        ],
        how === 'flags' ? {} : { env: { ATQ_SECRET_PROPS: JSON.stringify(props) } },
      );
      expect(res.stderr).toContain('succeeded');
      const dir = path.join(suite.out, runIdOf(res));
      // 2 workers (or engines) x 3 threads x 7 loops: the properties reached every JMeter.
      expect(readJtl(path.join(dir, 'results.jtl'))).toHaveLength(2 * 3 * 7);
      // grep -r exits 1 when no file holds the text (jmeter.log would, had a value gone as -G/-J).
      const grep = spawnSync('grep', ['-rl', secret, dir], { encoding: 'utf8' });
      expect([grep.status, grep.stdout]).toEqual([1, '']);
      expect(res.stderr + res.stdout).not.toContain(secret);
    },
  );

  test('RMI over SSL: the master and each worker listen on one port, so each pair needs few handshakes', async () => {
    // JMeter 5.6's own SSL socket factories are not equal to each other, so its master listened on a port
    // per exported listener (three per worker), each worker on two, and each port cost a full TLS
    // handshake. The image's factories (images/jmeter/rmi-ssl) are equal by value, as the plain ones are:
    // RMI shares one port among them. JMeter logs each listening socket it creates.
    const res = await runCli([...baseArgs(), '--test-dir', path.join(plans, 'http')]);
    expect(res.stderr).toContain('succeeded');
    const dir = path.join(suite.out, runIdOf(res));
    expect(readJtl(path.join(dir, 'results.jtl'))).toHaveLength(2 * 2 * 10);
    const sockets = (log: string) =>
      readFileSync(path.join(dir, log), 'utf8')
        .split('\n')
        .filter((l) => l.includes('Created SSLSocket'));
    expect(sockets('jmeter.log')).toHaveLength(1);
    for (const worker of ['logs/worker-1.log', 'logs/worker-2.log']) {
      expect(sockets(worker)).toHaveLength(1);
      expect(sockets(worker)[0]).toContain('localport=1099]');
    }
  });

  test("--jit ci raises C2's thresholds in every JMeter JVM; by default they are the JVM's own; each maps the image's class data", async () => {
    // The plan labels its sample with the Tier4InvocationThreshold its JVM runs with (HotSpot's default 5000)
    // and the class-data archive it was given (images/jmeter/cds; the image build proves the JVM accepts it).
    const labels = async (...more: string[]) => {
      const res = await runCli(suite.runArgs('--test-dir', path.join(plans, 'jvm'), ...more));
      expect(res.stderr).toContain('succeeded');
      const rows = readJtl(path.join(suite.out, runIdOf(res), 'results.jtl'));
      return rows.map((r) => r.label);
    };
    const archive = '/opt/apache-jmeter-5.6.3/lib/atq-jmeter.jsa';
    expect(await labels('--workers', '2', '--jit', 'ci')).toEqual([
      `C2 after 50000 calls; class data [${archive}]`,
      `C2 after 50000 calls; class data [${archive}]`,
    ]);
    expect(await labels('--workers', '1', '--mode', 'engines')).toEqual([
      `C2 after 5000 calls; class data [${archive}]`,
    ]);
  });

  test('a CSV read through a path relative to the plan works on every worker', async () => {
    const res = await runCli([...baseArgs(), '--test-dir', path.join(plans, 'csv')]);
    expect(res.code).toBe(0);
    const rows = readJtl(path.join(suite.out, runIdOf(res), 'results.jtl'));
    // 1 thread x 3 loops on each of 2 workers; each worker reads the CSV from its own copy.
    expect(rows).toHaveLength(6);
    const users = rows.map((r) => (r.URL ?? '').split('/users/')[1]).sort();
    expect(users).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('--split-csv: each CSV row is used by one worker only; each worker knows its index and the count', async () => {
    const res = await runCli([
      ...baseArgs(),
      '--test-dir',
      path.join(plans, 'split'),
      '--split-csv',
      'data/users.csv',
    ]);
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const rows = readJtl(path.join(suite.out, runId, 'results.jtl'));
    // Labels are "<user> w<atq.worker.index>/<atq.workers>": 10 rows, each once, 5 per worker.
    const labels = rows.map((r) => r.label as string);
    expect(labels.map((l) => l.split(' ')[0]).sort()).toEqual([
      'u01',
      'u02',
      'u03',
      'u04',
      'u05',
      'u06',
      'u07',
      'u08',
      'u09',
      'u10',
    ]);
    const byHost = new Map<string, Set<string>>();
    for (const r of rows)
      byHost.set(r.Hostname!, (byHost.get(r.Hostname!) ?? new Set()).add(r.label!.split(' ')[1]!));
    expect(byHost.get(`atq-${runId}-workers-1`)).toEqual(new Set(['w1/2']));
    expect(byHost.get(`atq-${runId}-workers-2`)).toEqual(new Set(['w2/2']));
    expect(
      labels
        .filter((l) => l.endsWith('w1/2'))
        .map((l) => l.split(' ')[0])
        .sort(),
    ).toEqual(['u01', 'u03', 'u05', 'u07', 'u09']);
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('several plans run one after another on the same workers, with results per plan', async () => {
    const res = await runCli([
      ...baseArgs(),
      '--test-dir',
      plans,
      ...['--plan', 'csv/*.jmx', '--plan', 'http/*.jmx'],
      ...['--prop', 'loops=2'],
    ]);
    expect(res.code).toBe(0);
    const dir = path.join(suite.out, runIdOf(res));
    expect(readJtl(path.join(dir, 'csv_users', 'results.jtl'))).toHaveLength(6);
    expect(readJtl(path.join(dir, 'http_basic', 'results.jtl'))).toHaveLength(2 * 2 * 2);
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run.plans.map((p: { status: string }) => p.status)).toEqual(['succeeded', 'succeeded']);
    // The workers stay for the second plan; its master tells them to exit.
    expect(readFileSync(path.join(dir, 'logs', 'worker-1.log'), 'utf8')).not.toContain('exit requested');
    expect(readFileSync(path.join(dir, 'http_basic', 'logs', 'master.log'), 'utf8')).toContain(
      'Exiting remote servers',
    );
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a wait command gates the master and sees the workers; one that never succeeds fails the run', async () => {
    const ok = await runCli([
      ...baseArgs(),
      '--test-dir',
      path.join(plans, 'http'),
      '--wait-command',
      `bash -c 'echo > /dev/tcp/${suite.target.host}/8080' && echo "$ATQ_WORKERS" | tr ',' '\\n' | wc -l`,
      '--wait-expected',
      '2',
    ]);
    expect(ok.stderr).toContain('wait command succeeded');
    expect(ok.code).toBe(0);
    const bad = await runCli([
      ...baseArgs(),
      '--test-dir',
      path.join(plans, 'http'),
      '--wait-command',
      'echo not-ready',
      '--wait-expected',
      'ready',
      '--wait-timeout',
      '4s',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[WAIT_COMMAND_FAILED]');
    expect(bad.stderr).toContain('not-ready');
    expect(await leftovers(client, runIdOf(bad))).toEqual([]);
  });

  test('two runs at once on the same swarm both succeed, each with only its own workers', async () => {
    const args = [...baseArgs(), '--test-dir', path.join(plans, 'http'), '--prop', 'loops=5'];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    for (const res of [a, b]) {
      expect(res.code).toBe(0);
      const runId = runIdOf(res);
      const rows = readJtl(path.join(suite.out, runId, 'results.jtl'));
      expect(rows).toHaveLength(2 * 2 * 5);
      expect(rows.every((r) => r.Hostname?.startsWith(`atq-${runId}-workers-`))).toBe(true);
      expect(await leftovers(client, runId)).toEqual([]);
    }
    expect(runIdOf(a)).not.toEqual(runIdOf(b));
  });
});
