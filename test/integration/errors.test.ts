import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runIdOf, runIdSoFar } from '../helpers/cli.js';
import { jmeterImage, killContainer, requireEnv, testClient } from '../helpers/env.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');
const certs = () => requireEnv('DOCKER_CERT_PATH');
const pem = (f: string) => readFileSync(path.join(certs(), f), 'utf8');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'atq-errors-'));

/**
 * Refused before anything runs: exit 1, nothing created on the swarm. Wrong options are refused before
 * a run even gets an id (no stdout); files that cannot be read, before it connects.
 */
async function refused(args: string[], opts: { runStarted?: boolean } = {}) {
  const before = await leftovers(client);
  const res = await runCli(['run', '--image', jmeterImage(), '--test-dir', http, ...args]);
  expect(res.code).toBe(1);
  if (!opts.runStarted) expect(res.stdout).toBe('');
  expect(await leftovers(client)).toEqual(before);
  return res.stderr;
}

describe('errors name the right thing', () => {
  test('--timeout expiring while the workers start is RUN_TIMEOUT naming --timeout, not --ready-timeout', async () => {
    const res = await runCli(suite.runArgs('--test-dir', http, '--timeout', '2s'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/\[RUN_TIMEOUT\]: The run reached its --timeout of 2\.0s while /);
    expect(res.stderr).not.toContain('WORKERS_NOT_READY');
    expect(res.stderr).not.toContain('--ready-timeout');
    const run = JSON.parse(readFileSync(path.join(suite.out, runIdOf(res), 'run.json'), 'utf8'));
    expect(run.error.code).toBe('RUN_TIMEOUT');
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('a zero --timeout, a negative --workers, a stray --wait-timeout: all refused at once, up front', async () => {
    const err = await refused(['--timeout', '0s', '--workers', '-1', '--wait-timeout', 'soon']);
    expect(err).toContain('[CONFIG_INVALID]');
    expect(err).toContain('timeout: must be more than 0');
    expect(err).toContain('workers: -1 is out of range; use 1 to 500');
    expect(err).toMatch(/wait-timeout: "soon" is not a duration/);
    expect(err).toContain('wait-timeout applies only with wait-command');
  });

  test('every bad key of atq.yml is reported with the others, prop: 7 included', async () => {
    const file = path.join(scratch, 'atq.yml');
    writeFileSync(file, 'prop: 7\nworkers: many\ncolour: blue\n');
    const err = await refused(['--config', file]);
    expect(err).toContain('prop: "7" is not KEY=VALUE');
    expect(err).toMatch(/workers: expected a whole number, got "many"/);
    expect(err).toMatch(/"colour": unknown option/);
  });

  test('a baseline gate without --baseline is refused before anything starts', async () => {
    const err = await refused(['--criteria', 'p95 <= baseline+10%']);
    expect(err).toContain('compares with a baseline; pass --baseline');
  });

  test('garbage PEM text is "not a usable PEM certificate", not a TLS handshake failure', async () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    const res = await runCli(['run', '--image', jmeterImage(), '--test-dir', http, '--tls-ca', garbage]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[DOCKER_CONNECT]');
    expect(res.stderr).toContain('(the PEM text given to --tls-ca) is not a usable PEM certificate');
    expect(res.stderr).not.toMatch(/handshake/i);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('--test-dir / and an --out that is a file are FILE_ACCESS errors naming the path', async () => {
    const root = await refused(['--test-dir', '/', '--out', scratch], { runStarted: true });
    expect(root).toMatch(
      /\[FILE_ACCESS\]: Cannot read the test files under --test-dir \/: \/\S+: permission denied/,
    );
    expect(root).not.toContain('This is a bug');

    const file = path.join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    const out = await refused(['--out', file], { runStarted: true });
    expect(out).toMatch(
      new RegExp(
        `\\[FILE_ACCESS\\]: Cannot create the results folder: ${file}/\\S+: a part of the path is a file`,
      ),
    );
    expect(out).toContain('Give --out a folder');
    expect(out).not.toMatch(/This is a bug|\n\s+at /);
  });

  test('a master killed from outside is MASTER_FAILED with exit 137 explained; TLS given as PEM text', async () => {
    let kill: Promise<string> | undefined;
    const res = await runCli(
      suite.runArgs(
        '--test-dir',
        http,
        ...LONG_RUN,
        // The documented CI-secret form: PEM text in the flags, no DOCKER_CERT_PATH.
        '--tls-ca',
        pem('ca.pem'),
        '--tls-cert',
        pem('cert.pem'),
        '--tls-key',
        pem('key.pem'),
      ),
      {
        env: { DOCKER_CERT_PATH: '', DOCKER_TLS_VERIFY: '' },
        onOutput: (soFar) => {
          if (kill || !soFar.includes(ENGINES_STARTED)) return;
          kill = (async () => {
            const objects = await client.listLabelled(`atq.run=${runIdSoFar(soFar)}`);
            const master = objects.find((o) => o.kind === 'container' && o.labels['atq.role'] === 'master');
            if (!master) return 'no master container';
            await killContainer(master.id);
            return 'killed';
          })().catch((e: Error) => `kill failed: ${e.message}`);
        },
      },
    );
    expect(await kill).toBe('killed');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[MASTER_FAILED]');
    expect(res.stderr).toContain('exit code 137 = killed (SIGKILL: the OOM killer or docker kill)');
    expect(res.stderr).not.toContain('JMETER_PLAN_FAILED');
    // What it measured before is kept.
    expect(existsSync(path.join(suite.out, runIdOf(res), 'results.jtl'))).toBe(true);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });
});
