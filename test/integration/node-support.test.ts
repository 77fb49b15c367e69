import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OLDEST_NODE } from '../../src/server/sqlite.js';
import { requireEnv } from '../helpers/env.js';
import { api, serveProcess } from '../helpers/server.js';

/**
 * What atq asks of a machine: a Node.js of package.json's engines, and nothing to compile. Installs from npm's
 * registry (the cache of the npm ci that came first, when it has the packages) and runs the oldest Node atq claims.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'atq-node-support-'));

/** Every folder under `dir` (node_modules included) that holds a compiled addon left by node-gyp. */
function gypBuilds(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)build\/(Release|Debug)\/[^/]+\.node$/.test(f))
    .map((f) => f.replace(/\/build\/.*/, ''));
}

test('npm ci on a machine without a compiler installs everything and builds nothing', () => {
  // The machine's compilers, make, Python and node-gyp are out of reach: PATH has this Node's folder, a shell (for
  // install scripts, were any to run) and stand-ins for those tools that note any call and fail, as a missing tool
  // would.
  const bin = path.join(tmp, 'bin');
  const calls = path.join(tmp, 'calls');
  mkdirSync(bin);
  symlinkSync('/bin/sh', path.join(bin, 'sh'));
  for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python', 'python3', 'node-gyp'])
    writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> '${calls}'\nexit 127\n`, {
      mode: 0o755,
    });
  const project = path.join(tmp, 'project');
  mkdirSync(project);
  for (const file of ['package.json', 'package-lock.json', '.npmrc'])
    copyFileSync(file, path.join(project, file));
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());

  const ci = spawnSync(
    process.execPath,
    [npmCli, 'ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd: project,
      env: { ...process.env, PATH: `${bin}:${path.dirname(process.execPath)}` },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  expect({ status: ci.status, stderr: ci.stderr }).toEqual({ status: 0, stderr: '' });
  expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
  expect(gypBuilds(path.join(project, 'node_modules'))).toEqual([]);
  // esbuild's postinstall did not run either: it finds its binary in its platform package all the same.
  const esbuild = execFileSync(
    process.execPath,
    [path.join(project, 'node_modules/esbuild/bin/esbuild'), '--version'],
    {
      encoding: 'utf8',
    },
  );
  expect(esbuild.trim()).toMatch(/^\d+\.\d+\.\d+$/);
}, 300_000);

test("the oldest Node atq supports runs atq serve from the Jenkins library's CLI, with no warning", async () => {
  const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines;
  expect(engines.node).toBe(`>=${OLDEST_NODE}`);
  const node = path.join(requireEnv('ATQ_TEST_NODE_OLDEST_BIN'), 'node');
  expect(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${OLDEST_NODE}`);
  const cli = path.join(tmp, 'atq-cli.mjs');
  execFileSync(process.execPath, ['scripts/bundle.mjs', '--resource-to', cli]);

  const serve = await serveProcess(['--data', path.join(tmp, 'data')], { cli, node });
  try {
    expect((await api(serve.url, 'GET', '/api/task')).body).toMatchObject({ tasks: [], total: 0 });
  } finally {
    await stop(serve.child);
  }
  // Node 22 says "ExperimentalWarning: SQLite is an experimental feature" whenever node:sqlite loads.
  expect(serve.output()).not.toMatch(/Warning/);
  expect(serve.output()).toMatch(/atq serve: stopping/);
}, 120_000);

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
