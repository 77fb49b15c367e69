import type { RunContext } from '../../src/core/context.js';
import { followMaster } from '../../src/core/master.js';
import { isJmeterNoise } from '../../src/jmeter/noise.js';
import type { LogLine } from '../../src/swarm/demux.js';

/** What a JMeter 5.6.3 master printed in the quickstart (logs/master.log), and JMeter on Windows. */
const NOISE = [
  'WARN StatusConsoleListener The use of package scanning to locate plugins is deprecated and will be removed in a future release',
  'Nov 25, 2026 5:28:22 PM java.util.prefs.FileSystemPreferences$1 run',
  'INFO: Created user preferences directory.',
  "WARNING: Couldn't flush user prefs: java.util.prefs.BackingStoreException: Couldn't get file lock.",
  'WARNING: Could not lock User prefs.  Unix error code 2.',
  'WARNING: Could not open/create prefs root node Software\\JavaSoft\\Prefs at root 0x80000002. Windows RegCreateKeyEx(...) returned error code 5.',
];
const KEPT = [
  'Creating summariser <summary>',
  'Created the tree successfully using /atq/test/plan.jmx',
  'summary =    200 in 00:00:02 =   84.5/s Avg:    51 Min:     1 Max:   146 Err:     0 (0.00%)',
  'Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:/atq/test/plan.jmx',
  'WARN StatusConsoleListener Something else went wrong',
  'Tidying up remote @ 2026 Nov 25 17:28:26 UTC (1795627706748)',
];

test.each(NOISE)('JMeter noise: %s', (line) => {
  expect(isJmeterNoise(line)).toBe(true);
  expect(isJmeterNoise(`${line}\r`)).toBe(true);
});

test.each(KEPT)('not noise: %s', (line) => {
  expect(isJmeterNoise(line)).toBe(false);
});

test("the master's noise stays out of the console's output events; its progress and end still count", async () => {
  const lines: LogLine[] = [
    { stream: 'stdout', line: NOISE[0]! },
    { stream: 'stderr', line: NOISE[1]! },
    { stream: 'stderr', line: NOISE[2]! },
    { stream: 'stdout', line: KEPT[0]! },
    { stream: 'stdout', line: KEPT[2]! },
    { stream: 'stdout', line: '... end of run' },
  ];
  const output: string[] = [];
  const progress: string[] = [];
  const ctx = {
    client: {
      logs: async function* () {
        yield* lines;
      },
    },
    logger: {
      info() {},
      warn() {},
      output: (source: string, line: string) => output.push(`${source} | ${line}`),
      progress: (m: string) => progress.push(m),
    },
  } as unknown as RunContext;
  let ended = false;
  await followMaster(ctx, 'svc', new AbortController().signal, () => (ended = true));
  expect(output).toEqual([`master | ${KEPT[0]}`, `master | ${KEPT[2]}`, 'master | ... end of run']);
  expect(progress).toHaveLength(1);
  expect(ended).toBe(true);
});
