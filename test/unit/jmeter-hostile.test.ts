import { writeFileSync } from 'node:fs';
import {
  classpathArgs,
  masterArgs,
  masterScript,
  shQuote,
  waitScript,
  workerScript,
} from '../../src/jmeter/commands.js';
import { engineArgs, engineScript } from '../../src/jmeter/engine-script.js';
import { BOUND, ContainerSh, hostileValues } from '../helpers/container-sh.js';

/**
 * Issue 20 item 7: plans, properties, JMeter arguments and file names come from a pull request. Every script
 * atq generates runs here in a real sh with those values in it; none of them may run as code, and JMeter
 * must receive each exactly as given.
 */
let box: ContainerSh;
beforeEach(() => (box = new ContainerSh()));
afterEach(() => box.remove());

const hostile = () => hostileValues(box.marker);
const props = () => Object.fromEntries(hostile().map((v, i) => [`p${i}`, v]));
const plan = () => `d/$(touch ${box.marker}) \`touch ${box.marker}\` 'q" \\ ;\nx.jmx`;
const jars = () => hostile().map((v) => `other/${v}.jar`);
/** How a plan name may appear in a line of output: on that one line. */
const shown = (text: string) => text.replace(/\p{Cc}/gu, '?');
const ADDRESS = /^-Djava\.rmi\.server\.hostname=127\.\d+\.\d+\.\d+$/;
const isAddress = (a: string) => a.startsWith('-Djava.rmi.server.hostname=');

test.each([false, true])('the master (start gate: %s) runs no value and passes each on as given', (gate) => {
  const cmd = {
    plan: plan(),
    remotes: ['10.0.0.2', '10.0.0.3'],
    props: props(),
    extraArgs: hostile(),
    exitRemotes: true,
    rmi: { ssl: true },
    jars: jars(),
    gate,
  };
  // The gate already written: the shell goes on at once (mkfifo finds the file there).
  if (gate) writeFileSync(box.path('/atq/start.properties'), '# released\n');
  const res = box.run(masterScript(cmd));
  expect(box.pwned()).toBe(false);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const what = `${shown(cmd.plan)} on 2 worker(s)`;
  const ip = /^atq: master (127\.\S+) /.exec(res.stdout)?.[1];
  // Its own line, then what the stand-in printed.
  expect(res.stdout).toBe(
    gate
      ? `atq: master ${ip} ready to run ${what} once they are up\n${BOUND}`
      : `atq: master ${ip} running ${what}\n${BOUND}`,
  );
  const argv = box.argv('jmeter')!;
  // The one argument the shell expands: the master's own address, from PRELUDE.
  expect(argv.filter(isAddress)).toEqual([`-Djava.rmi.server.hostname=${ip}`]);
  expect(argv.find(isAddress)).toMatch(ADDRESS);
  const given = masterArgs(cmd).filter((a) => !isAddress(a));
  expect(argv.filter((a) => !isAddress(a))).toEqual(given.map((a) => box.path(a)));
  const each = hostile().flatMap((v, i) => [v, `-Gp${i}=${v}`, `-Jp${i}=${v}`]);
  // A user's own $ATQ_IP is just text (hostileValues' last two).
  expect(argv).toEqual(expect.arrayContaining([...each, '-Jp7=$ATQ_IP', '-Jp8=${ATQ_IP}']));
});

test('a worker runs no file name and passes each on as given', () => {
  const res = box.run(workerScript({ ssl: false }, jars(), true));
  expect(box.pwned()).toBe(false);
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(
    /^atq: worker 1 of 2 at (127\.\S+) starting JMeter server \(.*\/bin\/jmeter\)\n/,
  );
  expect(res.stdout).toMatch(/\natq: worker 1 ready at 127\./);
  const argv = box.argv('jmeter')!;
  expect(argv.slice(0, 2)).toEqual(classpathArgs(jars()).map((a) => box.path(a)));
  expect(argv[0]).toContain(`/test/${jars()[0]};`);
  expect(argv.slice(2)).toEqual([
    '-s',
    '-Jserver.exitaftertest=true',
    '-Jatq.worker.index=1',
    '-Jatq.workers=2',
    '-Dserver_port=1099',
    '-Dserver.rmi.localport=50000',
    expect.stringMatching(ADDRESS),
    '-j',
    '/dev/stdout',
    '-Jserver.rmi.ssl.disable=true',
  ]);
});

test('an engine runs no value, waits for the barrier by its name, and passes each value on as given', () => {
  const cmd = {
    plan: plan(),
    props: props(),
    extraArgs: hostile(),
    jars: jars(),
    go: `atq-$(touch ${box.marker})-go-1`,
    stop: `atq-$(touch ${box.marker})-stop-1`,
  };
  const res = box.run(engineScript(cmd));
  expect(box.pwned()).toBe(false);
  expect(res.status).toBe(0);
  expect(res.stdout.split('\n').slice(0, 2)).toEqual([
    'atq: engine 1 of 2 ready',
    `atq: engine 1 starting ${shown(cmd.plan)}`,
  ]);
  expect(box.argv('getent')).toEqual(['hosts', cmd.go]);
  expect(box.argv('jmeter')).toEqual([
    ...engineArgs(cmd).map((a) => box.path(a)),
    '-Jatq.worker.index=1',
    '-Jatq.workers=2',
  ]);
});

test("the wait command's expected text is compared, never run", () => {
  // The command itself runs on purpose (sh -c): it only prints the hostile text.
  const expected = hostile().join('|');
  const res = box.run(waitScript(`printf '%s' ${shQuote(expected)}`, expected));
  expect(box.pwned()).toBe(false);
  expect(res.status).toBe(0);
  expect(res.stdout).toBe(`atq-wait: ready: ${expected}\n`);
});
