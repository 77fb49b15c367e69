import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../src/core/events.js';
import { runGenericTask, type GenericResult } from '../../src/core/generic/run.js';
import { newRunId } from '../../src/core/run-id.js';
import { parseSeedTask } from '../../src/server/seed-task.js';
import { busyboxImage, targetImage, testClient } from '../helpers/env.js';
import { leftovers } from '../helpers/target.js';

/**
 * A small non-JMeter master/worker pair on the real swarm, in the seed's own payload form: busybox
 * workers serve an uploaded file and their hostname over HTTP; the master fetches from every address in
 * REMOTES and writes what it got to a file that is collected.
 */
const client = testClient();
const work = mkdtempSync(path.join(os.tmpdir(), 'atq-generic-'));

/** An upload as the server keeps it: a folder of extracted files, found by its id. */
const uploads = new Map<string, string>();
function upload(id: string, files: Record<string, string | Buffer>): void {
  const dir = path.join(work, 'uploads', id);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), data);
  }
  uploads.set(id, dir);
}

const WORKER_SCRIPT =
  'mkdir -p /www && cp /atq/data/site/greeting.txt /www/ && hostname > /www/host.txt && ' +
  'echo "worker $(hostname) serving" && exec httpd -f -p 8080 -h /www';

const MASTER_SCRIPT = [
  'set -e',
  'mkdir -p /out',
  'echo "$REMOTES" > /out/remotes.txt',
  'echo "$WORKER_CSV_VIPS" > /out/vips.txt',
  'for r in $(echo "$REMOTES" | tr , " "); do',
  // Assignments, so that a failed fetch fails the master (set -e).
  '  host=$(wget -qO- http://$r:8080/host.txt); greeting=$(wget -qO- http://$r:8080/greeting.txt)',
  '  echo "$host $greeting" >> /out/answers.txt',
  'done',
  'cp /atq/data/site/greeting.txt /out/master-saw.txt',
  'echo "master fetched $(wc -l < /out/answers.txt) answers"',
].join('\n');

/** Every address in REMOTES must answer before the master starts (the seed's wait command). */
const WAIT_COMMAND =
  'for r in $(echo "$REMOTES" | tr , " "); do wget -qO- http://$r:8080/host.txt >/dev/null || exit 1; done; echo all-up';

function seedTask(more: { master?: object; worker?: object; [k: string]: unknown } = {}) {
  const { master, worker, ...top } = more;
  const { spec, problems } = parseSeedTask({
    name: 'busybox-pair',
    worker: {
      alias: 'servers',
      image: busyboxImage(),
      replicas: 3,
      fileid: 'site',
      args: ['sh', '-c', WORKER_SCRIPT],
      ...worker,
    },
    master: {
      alias: 'fetcher',
      image: busyboxImage(),
      fileId: 'site',
      args: ['sh', '-c', MASTER_SCRIPT],
      environment: ['GREETING_FILE=/atq/data/site/greeting.txt'],
      ...master,
    },
    ...top,
  });
  expect(problems).toEqual([]);
  if (!spec) throw new Error('the test task does not parse');
  return spec;
}

async function run(
  spec: ReturnType<typeof seedTask>,
  opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; timeoutMs?: number } = {},
): Promise<{ result: GenericResult; events: RunEvent[]; outDir: string }> {
  const runId = newRunId();
  const outDir = path.join(work, 'results', runId);
  const events: RunEvent[] = [];
  const result = await runGenericTask(spec, {
    connect: async () => client,
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
    signal: opts.signal,
    runId,
    outDir,
    files: async (id) => uploads.get(id),
    timeoutMs: opts.timeoutMs ?? 180_000,
  });
  expect(result.report.runId).toBe(runId);
  return { result, events, outDir };
}

const output = (events: RunEvent[], source: string) =>
  events.flatMap((e) => (e.type === 'output' && e.source === source ? [e.line] : []));
const logs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));

beforeAll(() => {
  upload('site', { 'site/greeting.txt': 'hello-from-upload\n' });
  upload('big', { 'small.txt': 'ok', 'data/huge.bin': Buffer.alloc(500 * 1024 + 1, 1) });
});

test('workers serve, the wait command checks them, the master fetches from each REMOTES address, its file is collected', async () => {
  const spec = seedTask({
    delay: 1,
    waitCommand: { command: WAIT_COMMAND, expectedResult: 'all-up', timeout: 60 },
    collect: ['/out'],
  });
  const { result, events, outDir } = await run(spec);
  expect(result.error).toBeUndefined();
  expect(result.report).toMatchObject({ status: 'succeeded', masterExitCode: 0 });
  expect(result.report.workerAddresses).toHaveLength(3);

  const read = (rel: string) => readFileSync(path.join(outDir, rel), 'utf8').trim();
  expect(result.report.collected.sort()).toEqual(
    ['answers.txt', 'master-saw.txt', 'remotes.txt', 'vips.txt'].map((f) => `collected/out/${f}`),
  );
  // One answer per worker, each from a different container, each serving the uploaded file.
  const answers = read('collected/out/answers.txt').split('\n');
  expect(answers).toHaveLength(3);
  expect(new Set(answers.map((a) => a.split(' ')[0])).size).toBe(3);
  for (const a of answers)
    expect(a).toMatch(new RegExp(`^atq-${result.report.runId}-workers-\\d hello-from-upload$`));
  expect(read('collected/out/remotes.txt')).toBe(result.report.workerAddresses.join(','));
  expect(read('collected/out/vips.txt')).toBe(read('collected/out/remotes.txt'));
  expect(read('collected/out/master-saw.txt')).toBe('hello-from-upload');

  // The wait command ran (and passed) before the master, then the delay.
  expect(logs(events)).toContain(`wait command: ${WAIT_COMMAND} (up to 1m0s)`);
  expect(logs(events).some((l) => l.startsWith('wait command succeeded after'))).toBe(true);
  expect(result.report.stages.wait).toBeGreaterThan(0);
  expect(result.report.stages.delay).toBeGreaterThanOrEqual(1000);
  expect(events).toContainEqual({ type: 'workers-ready', addresses: result.report.workerAddresses });

  // Live output, prefixed with each service's alias, and the full logs on disk.
  expect(output(events, 'fetcher')).toContain('master fetched 3 answers');
  expect(output(events, 'servers').filter((l) => /^worker \S+ serving$/.test(l))).toHaveLength(3);
  expect(read('logs/master.log')).toContain('master fetched 3 answers');
  expect(read('logs/workers.log').match(/serving/g)).toHaveLength(3);
  const runJson = JSON.parse(read('run.json'));
  expect(runJson).toMatchObject({
    kind: 'generic',
    name: 'busybox-pair',
    status: 'succeeded',
    masterExitCode: 0,
    workerAddresses: result.report.workerAddresses,
    cleanup: { failed: [], kept: false },
  });
  expect(await leftovers(client, result.report.runId)).toEqual([]);
});

test('a master exiting 3 fails the task with its output in the error; nothing is left', async () => {
  const spec = seedTask({
    worker: { replicas: 1 },
    master: { args: ['sh', '-c', 'echo "broken: cannot reach $REMOTES" >&2; exit 3'] },
    collect: ['/out'],
  });
  const { result, outDir } = await run(spec);
  expect(result.report.status).toBe('failed');
  expect(result.report.masterExitCode).toBe(3);
  expect(result.error?.code).toBe('GENERIC_MASTER_FAILED');
  expect(result.error?.message).toContain('The master exited with code 3.');
  expect(result.error?.message).toContain(`broken: cannot reach ${result.report.workerAddresses[0]}`);
  // A failed master's missing output is no second error.
  expect(result.report.collected).toEqual([]);
  expect(JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8')).error.code).toBe(
    'GENERIC_MASTER_FAILED',
  );
  expect(await leftovers(client, result.report.runId)).toEqual([]);
});

test('an abort while the master runs stops it (SIGTERM: what it writes then is collected), then removes everything', async () => {
  const abort = new AbortController();
  // A tool that writes its summary when it is told to stop, as tools with a TERM trap do.
  const master =
    "mkdir -p /out; trap 'echo stopped-cleanly > /out/summary.txt; exit 0' TERM; echo master-started; " +
    'while :; do sleep 1 & wait $!; done';
  const spec = seedTask({
    worker: { replicas: 2 },
    master: { args: ['sh', '-c', master] },
    collect: ['/out'],
  });
  let abortedAt = 0;
  const { result, outDir } = await run(spec, {
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'output' && e.line === 'master-started' && !abortedAt) {
        abortedAt = Date.now();
        abort.abort('cancelled by the test');
      }
    },
  });
  expect(abortedAt).toBeGreaterThan(0);
  expect(result.report.status).toBe('aborted');
  expect(result.error?.code).toBe('RUN_ABORTED');
  expect(result.error?.message).toContain('cancelled by the test');
  expect(result.report.collected).toEqual(['collected/out/summary.txt']);
  expect(readFileSync(path.join(outDir, 'collected/out/summary.txt'), 'utf8')).toBe('stopped-cleanly\n');
  expect(Date.now() - abortedAt).toBeLessThan(30_000);
  expect(await leftovers(client, result.report.runId)).toEqual([]);
});

test('the task timeout stops a master that never ends; a collect path the master did not write fails a master that exited 0', async () => {
  const endless = seedTask({ worker: { replicas: 1 }, master: { args: ['sleep', '600'] } });
  const started = Date.now();
  const { result: slow } = await run(endless, { timeoutMs: 8_000 });
  expect(slow.error?.code).toBe('RUN_TIMEOUT');
  expect(slow.error?.message).toContain('while the master was running');
  expect(Date.now() - started).toBeLessThan(40_000);
  expect(await leftovers(client, slow.report.runId)).toEqual([]);

  const forgetful = seedTask({
    worker: { replicas: 1 },
    master: { args: ['true'] },
    collect: ['/out/missing.txt'],
  });
  const { result } = await run(forgetful);
  expect(result.report.masterExitCode).toBe(0);
  expect(result.report.status).toBe('failed');
  expect(result.error?.code).toBe('RESULTS_MISSING');
  expect(result.error?.message).toContain('/out/missing.txt could not be collected');
  expect(await leftovers(client, result.report.runId)).toEqual([]);
});

test('a file over the 500 KiB config limit, and an unknown upload, fail clearly before anything is created', async () => {
  const big = await run(seedTask({ master: { fileId: 'big' } }));
  expect(big.result.report.status).toBe('failed');
  expect(big.result.error?.code).toBe('BUNDLE_TOO_LARGE');
  expect(big.result.error?.message).toContain('data/huge.bin is 512001 bytes');
  expect(big.result.error?.message).toContain('500 KiB (512000 bytes)');
  expect(big.result.report.stages.connect).toBeUndefined();
  expect(await leftovers(client, big.result.report.runId)).toEqual([]);

  const unknown = await run(seedTask({ worker: { fileid: 'nope' } }));
  expect(unknown.result.error?.code).toBe('FILE_UNKNOWN');
  expect(unknown.result.error?.message).toContain('No upload has the id "nope"');
  expect(existsSync(path.join(unknown.outDir, 'run.json'))).toBe(true);
  expect(await leftovers(client, unknown.result.report.runId)).toEqual([]);
});

test('workers that cannot start, or end before the master starts, fail the task with their reason', async () => {
  const missing = await run(seedTask({ worker: { replicas: 2, args: ['no-such-program'] } }));
  expect(missing.result.error?.code).toBe('WORKERS_NOT_READY');
  expect(missing.result.error?.message).toMatch(
    /worker\(s\) ended before the master started:\n {2}- worker \d/,
  );
  expect(missing.result.error?.message).toContain('no-such-program');
  expect(missing.result.report.stages['master-start']).toBeUndefined();
  expect(await leftovers(client, missing.result.report.runId)).toEqual([]);

  // Running at first, gone by the time the delay is over: the master is not started against it.
  const quitter = await run(
    seedTask({ delay: 2, worker: { replicas: 1, args: ['sh', '-c', 'echo no-serving-today; exit 7'] } }),
  );
  expect(quitter.result.error?.code).toBe('WORKERS_NOT_READY');
  expect(quitter.result.error?.message).toContain('exit code 7');
  expect(quitter.result.error?.message).toContain('no-serving-today');
  expect(quitter.result.report.stages['master-start']).toBeUndefined();
  expect(await leftovers(client, quitter.result.report.runId)).toEqual([]);
});

test('uploads need nothing in the image: no shell, no tar, no unpacking (one config per file)', async () => {
  // busybox's httpd started directly (no shell) serves the upload where the configs put it.
  const direct = seedTask({
    worker: { args: ['httpd', '-f', '-p', '8080', '-h', '/atq/data/site'], replicas: 2 },
    master: {
      args: [
        'sh',
        '-c',
        'for r in $(echo $REMOTES | tr , " "); do wget -qO- http://$r:8080/greeting.txt; done',
      ],
    },
  });
  const served = await run(direct);
  expect(served.result.error).toBeUndefined();
  expect(output(served.events, 'fetcher')).toEqual(['hello-from-upload', 'hello-from-upload']);
  expect(await leftovers(client, served.result.report.runId)).toEqual([]);

  // The target image is one static binary: it starts with the upload mounted all the same.
  const bare = seedTask({
    worker: { image: targetImage(), args: [], replicas: 1 },
    master: { args: ['sh', '-c', 'echo "answer: $(wget -qO- http://$REMOTES:8080/)"'] },
  });
  const { result, events } = await run(bare);
  expect(result.error).toBeUndefined();
  expect(output(events, 'fetcher')).toContain('answer: ok');
  expect(await leftovers(client, result.report.runId)).toEqual([]);
});

test("the swarm's nodes carry their engine version, CPUs and memory (for GET /api/swarm)", async () => {
  const nodes = await client.nodes();
  expect(nodes.length).toBeGreaterThan(0);
  for (const n of nodes) {
    expect(n.engineVersion).toMatch(/^\d+\.\d+/);
    expect(n.cpus).toBeGreaterThan(0);
    expect(n.memoryBytes).toBeGreaterThan(1024 * 1024);
  }
});
