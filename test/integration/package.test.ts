import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jmeterImage, requireEnv, testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * The npm package as users get it: `npm pack`, then installed as `npm install`, `npm install -g` and `npx` do,
 * into empty folders, with an empty npm cache and no registry (--offline). dist/ is one bundle, so the package
 * needs nothing else, `atq serve` included (its SQLite is Node's own, node:sqlite).
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'atq-package-'));
const repo = process.cwd();
const client = testClient();
const suite = targetSuite(client);

/** This process's environment without what an `npm test` around it set (npm_config_*, npm_package_*, ...). */
const env: Record<string, string> = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_cache: path.join(tmp, 'npm-cache'),
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_yes: 'true',
} as Record<string, string>;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** An empty project folder, as `mkdir x && cd x` gives a user. */
function emptyFolder(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  return dir;
}

interface Ran {
  code: number | null;
  stdout: string;
  out: string;
}
/** Runs a program (an installed bin: its shebang and mode decide how it starts); SIGINT after the limit. */
function run(file: string, args: string[], cwd: string, limitMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: limitMs, killSignal: 'SIGINT' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, out: `${stdout}${stderr}` });
    });
  });
}

let tarball = '';
let app = '';
const atq = () => path.join(app, 'node_modules/.bin/atq');

beforeAll(() => {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], repo)) as [
    { filename: string },
  ];
  tarball = path.join(tmp, packed.filename);
  app = emptyFolder('app');
  npm(['install', tarball], app);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the npm package', () => {
  test('holds the bundle, the docs and the licence; no sources, tests, certificates or modules', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining(['dist/cli.js', 'README.md', 'LICENSE', 'package.json', 'docs/jenkins.md']),
    );
    const unexpected = files.filter(
      (f) => !/^(dist\/[\w.-]+\.(js|txt)|docs\/[\w-]+\.md|README\.md|LICENSE|package\.json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /(^|\/)(src|test|node_modules|\.atq-env)\/|\.(pem|key|ts)$/.test(f))).toEqual(
      [],
    );

    const pkg = JSON.parse(
      readFileSync(path.join(app, 'node_modules/@atq/run-load-test/package.json'), 'utf8'),
    );
    expect(pkg.bin).toEqual({ atq: 'dist/cli.js' });
    // Everything the CLI runs is in dist/: a dependency here would be installed for nothing.
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.optionalDependencies).toBeUndefined();
  });

  test('installs into an empty folder without a registry; atq --help and atq doctor run from there', async () => {
    const installed = readdirSync(path.join(app, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(installed).toEqual(['@atq']);

    const help = await run(atq(), ['--help'], app);
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining('atq run') });
    expect(help.out).toContain('atq doctor');

    // The swarm of the tests, named as a user names theirs: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH.
    expect(env.DOCKER_TLS_VERIFY).toBe('1');
    const doctor = await run(atq(), ['doctor', '--image', jmeterImage()], app);
    expect(doctor.out).toContain(`ok    connection: ${requireEnv('DOCKER_HOST')} (TLS)`);
    expect(doctor.out).toMatch(/^ok {4}swarm: manager node/m);
    expect(doctor.code).toBe(0);
  });

  test('a first atq run from the installed package', async () => {
    const plans = path.join(repo, 'test/fixtures/plans/http');
    const res = await run(atq(), [...suite.runArgs('--test-dir', plans), '--workers', '1'], app, 240_000);
    const last = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { runId: string; status: string };
    expect({ code: res.code, status: last.status }).toEqual({ code: 0, status: 'succeeded' });
    expect(await leftovers(client, last.runId)).toEqual([]);
  });

  test('npm install -g and npx run its one bin, atq', async () => {
    const prefix = path.join(tmp, 'global');
    npm(['install', '--global', '--prefix', prefix, tarball], tmp);
    expect((await run(path.join(prefix, 'bin/atq'), ['help'], tmp)).out).toContain('atq run');

    // npx picks a package's only bin whatever its name: `npx @atq/run-load-test` runs atq.
    const elsewhere = emptyFolder('npx');
    const npx = await run('npx', [`file:${tarball}`, '--help'], elsewhere);
    expect(npx).toMatchObject({ code: 0, out: expect.stringContaining('atq run') });
    const exec = await run('npm', ['exec', `--package=${tarball}`, '--', 'atq', '--help'], elsewhere);
    expect(exec).toMatchObject({ code: 0, out: expect.stringContaining('atq run') });
  });
});

describe('atq serve from the package', () => {
  test('with nothing installed beside it, it serves', async () => {
    const child = spawn(atq(), ['serve', '--listen', '127.0.0.1:0', '--data', path.join(tmp, 'data')], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let said = '';
        const hear = (d: Buffer) => {
          said += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(said);
          if (m) resolve(m[1] as string);
        };
        child.stdout.on('data', hear);
        child.stderr.on('data', hear);
        child.on('exit', (code) => reject(new Error(`atq serve exited ${code}: ${said}`)));
      });
      const ping = await fetch(`${url}/api/monitoring/ping`);
      expect(ping.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
