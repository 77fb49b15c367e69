import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  masterArgs,
  masterScript,
  PRELUDE,
  releaseGateScript,
  shQuote,
  waitScript,
  workerScript,
} from '../../src/jmeter/commands.js';
import { findFatalLine } from '../../src/jmeter/log-check.js';
import { masterExitsWorkers, workersExitThemselves } from '../../src/core/workers.js';
import { formatProgress, parseSummary } from '../../src/jmeter/summariser.js';
import { createRmiKeystore } from '../../src/jmeter/keystore.js';
import forge from 'node-forge';

const sh = (script: string, env: Record<string, string> = {}) =>
  execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

describe('master command line', () => {
  const base = {
    plan: 'dir/p.jmx',
    remotes: ['10.0.0.2', '10.0.0.3'],
    props: { users: '5' },
    extraArgs: ['-Lfoo=DEBUG'],
    exitRemotes: true,
  };
  test('plan at the shared absolute path, workers with -R, -X on the last plan, CSV JTL with hostnames', () => {
    const args = masterArgs({ ...base, rmi: { ssl: true } });
    expect(args.slice(0, 6)).toEqual(['-n', '-t', '/atq/test/dir/p.jmx', '-R', '10.0.0.2,10.0.0.3', '-X']);
    expect(args).toEqual(expect.arrayContaining(['-l', '/atq/out/results.jtl', '-j', '/atq/out/jmeter.log']));
    expect(args).toEqual(
      expect.arrayContaining([
        '-Jjmeter.save.saveservice.print_field_names=true',
        '-Jjmeter.save.saveservice.hostname=true',
      ]),
    );
    expect(args).toEqual(
      expect.arrayContaining(['-q', '/run/secrets/atq-rmi.properties', '-Gusers=5', '-Jusers=5']),
    );
    // user arguments come last so they win over ours
    expect(args.at(-1)).toBe('-Lfoo=DEBUG');
  });
  test('no -X before the last plan; RMI SSL off disables it explicitly', () => {
    const args = masterArgs({ ...base, exitRemotes: false, rmi: { ssl: false } });
    expect(args).not.toContain('-X');
    expect(args).toContain('-Jserver.rmi.ssl.disable=true');
    expect(args).not.toContain('-q');
  });
  test('the script quotes user values for the shell', () => {
    const script = masterScript({ ...base, props: { q: "it's $HOME" }, rmi: { ssl: true } });
    expect(script).toContain(`'-Gq=it'\\''s $HOME'`);
    expect(sh(`printf '%s' ${shQuote("a'b $X")}`)).toBe("a'b $X");
  });
});

describe("the master's start gate", () => {
  const base = { plan: 'p.jmx', remotes: ['10.0.0.2'], props: {}, extraArgs: [], exitRemotes: true };
  /** The master script after its PRELUDE, its gate in `dir`, with a JMeter stand-in that prints its -q files. */
  const gated = (dir: string, before = '') => {
    const script = masterScript({ ...base, rmi: { ssl: false }, gate: true })
      .slice(PRELUDE.length)
      .replaceAll('/atq/', `${dir}/`);
    const fake =
      'while [ $# -gt 0 ]; do [ "$1" = -q ] && { shift; printf "read: %s" "$(cat "$1")"; }; shift; done';
    return `${before}JM=$(mktemp); printf '%s\n' '#!/bin/sh' ${shQuote(fake)} > "$JM"; chmod +x "$JM"; ATQ_IP=10.0.0.9\n${script}`;
  };
  // Bounded: writing a FIFO nobody opens would block the test run.
  const release = (dir: string) =>
    execFileSync('sh', ['-c', releaseGateScript().replaceAll('/atq/', `${dir}/`)], { timeout: 5000 });

  test.each([
    ['a FIFO JMeter blocks on until it is written', ''],
    ['without mkfifo in the image, a file the shell waits for', 'mkfifo() { return 1; }\n'],
  ])('JMeter reads its gate only once it is released: %s', async (_, before) => {
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    const child = spawn('sh', ['-c', gated(dir, before)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(out).toBe('atq: master 10.0.0.9 ready to run p.jmx on 1 worker(s) once they are up\n');
    } finally {
      release(dir);
    }
    expect(await exited).toBe(0);
    expect(out).toContain('read: # atq: the workers are ready');
    expect(masterArgs({ ...base, rmi: { ssl: true }, gate: true })).toEqual(
      expect.arrayContaining(['-q', '/atq/start.properties', '-q', '/run/secrets/atq-rmi.properties']),
    );
  });
});

describe('container prelude', () => {
  test('finds its own address in the run subnet from /proc/net/fib_trie (awk only)', () => {
    // Run the address part of the prelude against this machine's own table and loopback's /8.
    const script = workerScript({ ssl: true });
    const ipPart = script.slice(script.indexOf('ATQ_IP=$('), script.indexOf('if [ -z "$ATQ_IP" ]'));
    expect(sh(`${ipPart} echo "$ATQ_IP"`, { ATQ_SUBNET: '127.0.0.0/8' }).trim()).toMatch(/^127\./);
    expect(sh(`${ipPart} echo "[$ATQ_IP]"`, { ATQ_SUBNET: '203.0.113.0/24' }).trim()).toBe('[]');
  });
  /** A JMeter home with an empty lib/ and bin/, plus lib/`libFile` when given. */
  const jmeterHome = (libFile?: string) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'atq-jm-'));
    mkdirSync(path.join(home, 'bin'));
    mkdirSync(path.join(home, 'lib'));
    if (libFile) writeFileSync(path.join(home, 'lib', libFile), '');
    return home;
  };
  const prefs = '-Djava.util.prefs.userRoot=/atq/prefs';
  test.each([
    ['ci flags, no JVM_ARGS in the image', { ATQ_JVM_ARGS: '-XX:A=1' }, `[${prefs} -XX:A=1]`],
    [
      "ci flags before the image's JVM_ARGS, so the image's win",
      { ATQ_JVM_ARGS: '-XX:A=1', JVM_ARGS: '-XX:A=2 -Dx=y' },
      `[${prefs} -XX:A=1 -XX:A=2 -Dx=y]`,
    ],
    ["--jit default: the image's JVM_ARGS as they are", { JVM_ARGS: '-Dx=y' }, `[${prefs} -Dx=y]`],
    ['neither: our preferences root only', {}, `[${prefs}]`],
  ])('JVM_ARGS for the launcher: %s', (_, env, expected) => {
    const script = workerScript({ ssl: true });
    const line = script.split('\n').find((l) => l.startsWith('JVM_ARGS='));
    expect(sh(`${line}\nsh -c 'printf "[%s]" "$JVM_ARGS"'`, env)).toBe(expected);
  });
  test.each([
    [
      "ATQ's image (its RMI SSL factories share a port): the engine on the registry's port",
      true,
      '1099 044B',
    ],
    ['any other image: the engine on a port of its own', false, '50000 C350'],
  ])('worker ports: %s', (_, atqImage, expected) => {
    const script = workerScript({ ssl: true });
    const home = jmeterHome(atqImage ? 'atq-rmi-ssl.jar' : undefined);
    const part = script.slice(script.indexOf('ATQ_RMI_PORT='), script.indexOf('echo "atq: worker'));
    const out = sh(`JM=${home}/bin/jmeter\n${part}echo "$ATQ_RMI_PORT $ATQ_RMI_HEX"`);
    rmSync(home, { recursive: true });
    expect(out.trim()).toBe(expected);
    expect(script).toContain('-Dserver.rmi.localport="$ATQ_RMI_PORT"');
    // Ready once both listen in /proc: the registry's port (1099 = 044B) and the engine's.
    expect(script).toContain('grep -qsE ":044B [0-9A-F]+:0000 0A"');
    expect(script).toContain('grep -qsE ":$ATQ_RMI_HEX [0-9A-F]+:0000 0A"');
    expect(script).toContain('echo "atq: worker $ATQ_WORKER_INDEX ready at $ATQ_IP"');
  });

  test('a worker of a one-plan run exits once its part has ended; one serving several plans waits for -X', () => {
    const flag = '-Jserver.exitaftertest=true';
    expect(workerScript({ ssl: true }, [], workersExitThemselves(1))).toContain(flag);
    expect(workerScript({ ssl: true }, [], workersExitThemselves(3))).not.toContain(flag);
    // The master sends -X only on the last of several plans.
    expect([1, 2].map((n) => [masterExitsWorkers(n, false), masterExitsWorkers(n, true)])).toEqual([
      [false, false],
      [false, true],
    ]);
  });

  test.each([
    ["ATQ's image: every JVM maps its class-data archive", true],
    ['any other image: no archive, no flag', false],
  ])('class-data archive: %s', (_, atqImage) => {
    const home = jmeterHome(atqImage ? 'atq-jmeter.jsa' : undefined);
    const script = workerScript({ ssl: true });
    const part = script.slice(script.indexOf('ATQ_CDS='), script.indexOf('# RMI embeds'));
    const out = sh(`JM=${home}/bin/jmeter JVM_ARGS=-Dx=y\n${part}printf '[%s]' "$JVM_ARGS"`);
    expect(out).toBe(atqImage ? `[-XX:SharedArchiveFile=${home}/lib/atq-jmeter.jsa -Dx=y]` : '[-Dx=y]');
    rmSync(home, { recursive: true });
  });

  test('the prelude makes the preferences node JMeter creates, under the root it gives the JVM', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'atq-prefs-'));
    const script = workerScript({ ssl: true });
    const mkdir = script.split('\n').find((l) => l.startsWith('mkdir -p '))!;
    sh(mkdir.replaceAll('/atq/', `${root}/`));
    expect(existsSync(path.join(root, 'prefs/.java/.userPrefs/org/apache/jmeter/gui'))).toBe(true);
    rmSync(root, { recursive: true });
  });

  /** The worker script's part after the PRELUDE, with a stand-in for JMeter. */
  const serve = (fakeJmeter: string) => {
    const script = workerScript({ ssl: false });
    return `JM=$(mktemp); printf '%s\n' '#!/bin/sh' ${shQuote(fakeJmeter)} > "$JM"; chmod +x "$JM"; ATQ_IP=10.0.0.9; ATQ_WORKER_INDEX=2\n${script.slice(script.indexOf('set +e'))}`;
  };

  /** The output without the generator-health sampler's lines (health-script.ts), and how many there were. */
  const jmeterOut = (out: string) =>
    out
      .split('\n')
      .filter((l) => !l.startsWith('atq-health '))
      .join('\n');
  const healthLines = (out: string) => out.split('\n').filter((l) => l.startsWith('atq-health ')).length;

  test("JMeter's output passes through a relay that says ready once JMeter has bound its engine", () => {
    // The relay needs a FIFO at the script's fixed paths: run it with those under a temporary folder.
    const root = mkdtempSync(path.join(os.tmpdir(), 'atq-relay-'));
    const fake = [
      'echo starting',
      'echo "INFO o.a.j.e.RemoteJMeterEngineImpl: Bound to RMI registry on port 1099"',
      'echo "[err] to stderr" >&2',
      'echo "Bound to RMI registry on port 1099"',
      'echo test ran; exit 3',
    ].join('; ');
    const run = spawnSync('sh', ['-c', serve(fake).replaceAll('/atq/', `${root}/`)], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(3);
    // The sampler samples the worker while JMeter runs, and once more after it.
    expect(healthLines(run.stdout)).toBeGreaterThanOrEqual(1);
    expect(jmeterOut(run.stdout)).toBe(
      'starting\nINFO o.a.j.e.RemoteJMeterEngineImpl: Bound to RMI registry on port 1099\n' +
        'atq: worker 2 ready at 10.0.0.9\nBound to RMI registry on port 1099\ntest ran\n',
    );
    expect(run.stderr).toBe('[err] to stderr\n');
    rmSync(root, { recursive: true });
  });

  test('a JMeter that dies before listening: no ready line, its exit code', () => {
    const run = spawnSync('sh', ['-c', serve('sleep 0.3; echo cannot start; exit 3')], { encoding: 'utf8' });
    expect(run.status).toBe(3);
    expect(jmeterOut(run.stdout)).toBe('cannot start\n');
  });

  test("the stop signal reaches JMeter and its exit code is the container's", async () => {
    const child = spawn('sh', ['-c', serve("trap 'echo stopping; kill $!; exit 143' TERM; sleep 30 & wait")]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(143);
    expect(out).toContain('stopping');
  });
});

describe('wait command loop', () => {
  test('succeeds on the expected (trimmed) output, retries otherwise', () => {
    const ok = sh(waitScript('echo "  up  "', 'up'));
    expect(ok).toContain('atq-wait: ready');
    const flag = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-wait-')), 'tried');
    const flaky = sh(
      `n=0; ${waitScript(`[ -f ${flag} ] || { touch ${flag}; exit 3; }; echo fine`, undefined)}`,
    );
    expect(flaky).toContain('not yet (exit 3)');
    expect(flaky).toContain('ready: fine');
  });
});

describe('summariser and log checks', () => {
  test('cumulative summariser lines become progress; delta lines are ignored', () => {
    const line =
      'summary =    123 in 00:00:30 =    4.1/s Avg:     3 Min:     1 Max:    20 Err:     2 (1.63%) Active: 8 Started: 8 Finished: 0';
    expect(parseSummary(line)).toEqual({
      samples: 123,
      elapsed: '00:00:30',
      rate: 4.1,
      errors: 2,
      errorPct: 1.63,
      active: 8,
    });
    expect(formatProgress(parseSummary(line)!)).toBe(
      '123 samples in 00:00:30, 4.1/s, 2 errors (1.63%), 8 threads active',
    );
    expect(parseSummary('summary +      1 in 00:00:00 =    2.5/s Avg: 49 Err: 0 (0.00%)')).toBeUndefined();
  });
  test('the first line showing the plan did not run is found', () => {
    const log = [
      '2026-01-01 INFO o.a.j.JMeter: Loading file: p.jmx',
      '2026-01-01 ERROR o.a.j.JMeter: Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:p.jmx',
      '2026-01-01 ERROR later',
    ].join('\n');
    expect(findFatalLine(log)).toContain('Error in NonGUIDriver');
    expect(findFatalLine('INFO all good\nWARN something minor')).toBeUndefined();
  });
});

describe('RMI keystore', () => {
  test('a PKCS#12 with one key pair under alias "rmi", opened by the password in the properties', () => {
    const ks = createRmiKeystore('r1');
    const password = /keystore\.password=(.+)/.exec(ks.properties)?.[1] as string;
    expect(ks.properties).toContain('server.rmi.ssl.keystore.file=/run/secrets/atq-rmi-keystore.p12');
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(ks.keystore.toString('binary')), password);
    const bags = p12.getBags({ friendlyName: 'rmi' }).friendlyName ?? [];
    expect(bags.map((b) => b.type).sort()).toEqual(
      [forge.pki.oids.certBag, forge.pki.oids.pkcs8ShroudedKeyBag].sort(),
    );
    expect(createRmiKeystore('r2').properties).not.toEqual(ks.properties);
  });
});
