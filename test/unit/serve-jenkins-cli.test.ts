import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, serveProcess, upload, type Json } from '../helpers/server.js';

/**
 * The Jenkins library's CLI is one file that loads nothing from disk, and `atq serve` runs from it too: its queue
 * is Node's own SQLite (node:sqlite), nothing to install next to it. Built fresh here, from the sources and
 * scripts/bundle.mjs. No swarm needed: a server with nothing to run never calls the engine.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'atq-serve-cli-'));
const cli = path.join(tmp, 'atq-cli.mjs');
const plans = path.resolve('test/fixtures/plans/http');

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/bundle.mjs', '--resource-to', cli]);
}, 60_000);

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

test("atq serve runs from the Jenkins library's single-file CLI and keeps its queue across a restart", async () => {
  const data = path.join(tmp, 'data');
  const first = await serveProcess(['--data', data], { cli });
  let schedule: string;
  try {
    expect((await api(first.url, 'GET', '/api/monitoring/ping')).body).toMatchObject({ status: 'ok' });
    const fileId = await upload(first.url, plans);
    const made = await api(first.url, 'PUT', '/api/task', {
      body: { fileId, name: 'yearly', schedule: '0 3 1 1 *', workers: 1 },
    });
    expect(made.status).toBe(201);
    schedule = made.body.id as string;
  } finally {
    expect(await stop(first.child)).toBe(0);
  }
  expect(existsSync(path.join(data, 'atq.sqlite'))).toBe(true);

  const second = await serveProcess(['--data', data], { cli });
  try {
    const listed = await api(second.url, 'GET', '/api/schedule');
    expect(listed.body.schedules.map((s: Json) => s.id)).toEqual([schedule]);
    expect((await api(second.url, 'GET', '/api/task')).body).toMatchObject({ tasks: [], total: 0 });
  } finally {
    expect(await stop(second.child)).toBe(0);
  }
  // Node 22 warns that node:sqlite is experimental each time it loads: atq serve shows its own lines only.
  expect(first.output() + second.output()).not.toMatch(/Warning/);
});
