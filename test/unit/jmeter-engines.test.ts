import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JMETER_UDP_PORT } from '../../src/jmeter/commands.js';
import { engineScript, FRAME, STOP_NOW_AFTER_S } from '../../src/jmeter/engine-script.js';
import { readEngineOutput } from '../../src/jmeter/frames.js';

describe('engine mode', () => {
  const script = engineScript({
    plan: 'a b.jmx',
    props: { users: "it's 5" },
    extraArgs: ['-Jsummariser.interval=10'],
    jars: ['plugins/x.jar'],
    go: 'atq-r1-go-1',
    stop: 'atq-r1-stop-1',
  });

  test('the engine script: slice, ready, the barrier, then JMeter on the whole plan with its index', () => {
    const order = [
      '.atq-split/"$ATQ_WORKER_INDEX"',
      'atq: engine $ATQ_WORKER_INDEX of $ATQ_WORKER_COUNT ready',
      "until getent hosts 'atq-r1-go-1'",
      `"$JM" '-n' '-t' '/atq/test/a b.jmx'`,
      `${FRAME} jtl begin`,
      `${FRAME} log end`,
    ].map((s) => script.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain(`'-Jusers=it'\\''s 5'`);
    expect(script).toContain(`'-Jsearch_paths=/atq/test/plugins;/atq/test/lib/ext'`);
    expect(script).toContain('"-Jatq.worker.index=$ATQ_WORKER_INDEX" "-Jatq.workers=$ATQ_WORKER_COUNT"');
    expect(script).not.toContain("'-R'");
  });

  test('the frames a real sh, gzip and base64 print decode to the files, byte for byte', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-frames-'));
    const jtl =
      'timeStamp,elapsed,label\n' +
      Array.from({ length: 3000 }, (_, i) => `${i},5,"a, ""b"""`).join('\n') +
      '\n';
    writeFileSync(path.join(dir, 'results.jtl'), jtl);
    // The frame part of the script, with the container's paths pointed at the temp dir.
    const frames = script
      .slice(script.indexOf(`echo "${FRAME} jtl begin"`), script.indexOf('exit $rc'))
      .replaceAll('/atq/out', dir);
    const printed = execFileSync('sh', ['-c', `echo console line\n${frames}`], { encoding: 'utf8' });
    const out = readEngineOutput(printed.split('\n'));
    expect(out.files.get('jtl')?.toString()).toBe(jtl);
    expect(out.files.get('log')?.length).toBe(0); // no jmeter.log: an empty frame
    expect(out.console).toEqual(['console line', '']);
    expect(out.truncated).toEqual([]);
    // Killed while printing: the frame never ends, and says so.
    const cut = printed.split('\n').slice(0, 5);
    expect(readEngineOutput(cut).truncated).toEqual(['jtl']);
  });
});

/**
 * The engine's stop watch (core/graceful-stop.ts) in this machine's real sh and bash: a `sleep` stands in
 * for JMeter, a `getent` that answers once a file exists for the stop service's name, and this test's
 * UDP socket on JMeter's port for JMeter's listener.
 */
describe('engine mode: the graceful stop', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'atq-stop-'));
  const stopFile = path.join(root, 'stop');
  writeFileSync(path.join(root, 'getent'), `#!/bin/sh\n[ "$2" = atq-r1-stop-1 ] && [ -e '${stopFile}' ]\n`);
  chmodSync(path.join(root, 'getent'), 0o755);
  const script = engineScript({
    plan: 'a.jmx',
    props: {},
    extraArgs: [],
    jars: [],
    go: 'g',
    stop: 'atq-r1-stop-1',
  });
  const watch = script.slice(script.indexOf('jm=$!'), script.indexOf(`echo "${FRAME} jtl begin"`));

  /** Runs the watch around a stand-in JMeter; resolves with the UDP commands received and the output. */
  async function run(stopNowAfter: number, onCommand: (command: string, jmPid: number) => void) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(JMETER_UDP_PORT, '127.0.0.1', resolve));
    const commands: string[] = [];
    const sh = spawn(
      'sh',
      [
        '-c',
        `sleep 60 &\necho "pid $!"\n${watch.replace(`-eq ${STOP_NOW_AFTER_S}`, `-eq ${stopNowAfter}`)}echo "rc $rc"`,
      ],
      {
        env: { PATH: `${root}:${process.env.PATH ?? ''}`, ATQ_WORKER_INDEX: '1' },
      },
    );
    let out = '';
    sh.stdout.on('data', (d: Buffer) => (out += d.toString()));
    udp.on('message', (m) => {
      commands.push(m.toString());
      onCommand(m.toString(), Number(/pid (\d+)/.exec(out)?.[1]));
    });
    const started = Date.now();
    await once(sh, 'close');
    udp.close();
    return { commands, out, ms: Date.now() - started };
  }

  afterEach(() => rmSync(stopFile, { force: true }));

  test("once the stop name resolves, JMeter is told Shutdown; its own exit code is the script's", async () => {
    setTimeout(() => writeFileSync(stopFile, ''), 1500);
    const res = await run(STOP_NOW_AFTER_S, (command, pid) => command === 'Shutdown' && process.kill(pid));
    expect(res.commands).toEqual(['Shutdown']);
    expect(res.out).toContain('atq: engine 1 asked to stop: ending the test (Shutdown)');
    expect(res.out).toContain(`rc ${128 + 15}`);
    expect(res.ms).toBeLessThan(5_000);
  });

  test('a JMeter that has not ended some seconds after Shutdown is told StopTestNow', async () => {
    writeFileSync(stopFile, '');
    const res = await run(2, (command, pid) => command === 'StopTestNow' && process.kill(pid));
    expect(res.commands).toEqual(['Shutdown', 'StopTestNow']);
    expect(res.out).toMatch(/atq: engine 1 still running \d+s after Shutdown: StopTestNow/);
  });

  test('a JMeter that ends by itself is never looked up for, and the watch ends with it', async () => {
    const sh = spawnSync('sh', ['-c', `true &\n${watch}echo "rc $rc"`], {
      env: { PATH: `${root}:${process.env.PATH ?? ''}`, ATQ_WORKER_INDEX: '1' },
      encoding: 'utf8',
    });
    expect(sh.stdout.trim()).toBe('rc 0');
  });
});
