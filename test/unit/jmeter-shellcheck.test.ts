import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FIND_JMETER,
  masterScript,
  releaseGateScript,
  resultsClosedScript,
  shutdownScript,
  waitScript,
  workerScript,
} from '../../src/jmeter/commands.js';
import { BARRIER_SCRIPT, engineScript } from '../../src/jmeter/engine-script.js';
import { hostileValues } from '../helpers/container-sh.js';

/**
 * Every script atq hands a container's sh (`sh -c`), with ordinary values and with hostile ones, passes
 * shellcheck as POSIX sh with no finding of any severity. The generic task runs no script of atq's but the
 * wait command's (its master and workers get the user's args as an argv).
 */
// (never run here, only checked: still a folder of this test's own, not a fixed /tmp path)
const MARKER = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-shellcheck-')), 'pwned');

function scripts(values: string[]): Record<string, string> {
  const props = Object.fromEntries(values.map((v, i) => [`p${i}`, v]));
  const jars = ['plugins/a.jar', 'lib/b.jar', ...values.map((v) => `other/${v}.jar`)];
  const plan = `d/${values.join(' ')}.jmx`;
  const master = { plan, remotes: ['10.0.0.2'], props, extraArgs: values, exitRemotes: true, jars };
  const last = values.at(-1) ?? '';
  return {
    'worker, RMI over SSL': workerScript({ ssl: true }, jars, true),
    'worker, several plans, no SSL': workerScript({ ssl: false }, jars, false),
    master: masterScript({ ...master, rmi: { ssl: true } }),
    'master with the start gate': masterScript({ ...master, rmi: { ssl: false }, gate: true }),
    engine: engineScript({
      plan,
      props,
      extraArgs: values,
      jars,
      go: `atq-${last}-go-1`,
      stop: `atq-${last}-stop-1`,
    }),
    'master, live statistics': masterScript({ ...master, rmi: { ssl: true }, live: true }),
    'engine, live statistics': engineScript({
      plan,
      props,
      extraArgs: values,
      jars,
      go: 'go',
      stop: 'stop',
      live: true,
    }),
    'engine barrier': BARRIER_SCRIPT,
    'wait, with expected text': waitScript(`curl -fs http://sut/${last}`, last),
    'wait, exit status only': waitScript(`curl -fs http://sut/${last}`, undefined),
    'release the gate': releaseGateScript(),
    'results closed': resultsClosedScript(),
    shutdown: shutdownScript(),
    'find jmeter': FIND_JMETER,
  };
}

/**
 * The one deliberate exclusion, for the hostile values only: SC2016 ("expressions don't expand in single
 * quotes") is what those scripts are meant to do, `$(touch …)` kept as text. Ordinary values run unexcluded.
 */
const HOSTILE_EXCLUDE = ['-e', 'SC2016'];
const cases = [
  ...Object.entries(scripts(['5', 'x.y'])).map(([name, s]) => [name, s, []] as const),
  ...Object.entries(scripts(hostileValues(MARKER))).map(
    ([name, s]) => [`${name}, hostile values`, s, HOSTILE_EXCLUDE] as const,
  ),
];

test.each(cases)('shellcheck -s sh finds nothing in: %s', (_, script, exclude) => {
  const res = spawnSync('shellcheck', ['-s', 'sh', '-f', 'gcc', ...exclude, '-'], {
    input: script,
    encoding: 'utf8',
  });
  if (res.error)
    throw new Error(
      `shellcheck could not run (${res.error.message}): install it (apt-get install shellcheck)`,
    );
  expect(res.stdout + res.stderr).toBe('');
  expect(res.status).toBe(0);
});
