import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineScript, FRAME } from '../../src/jmeter/engine-script.js';
import { readEngineOutput } from '../../src/jmeter/frames.js';

describe('engine mode', () => {
  const script = engineScript({
    plan: 'a b.jmx',
    props: { users: "it's 5" },
    extraArgs: ['-Jsummariser.interval=10'],
    jars: ['plugins/x.jar'],
    go: 'atq-r1-go-1',
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
