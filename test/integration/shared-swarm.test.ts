import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf, runIdSoFar, type CliResult } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { ENGINES_STARTED, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

/**
 * Starts a run and, once its test is under way, runs `during` (another pipeline's janitor, say) while it
 * goes on. 2 workers x 2 threads x `loops` samples of 200 ms each.
 */
async function runWhile(loops: number, during: (runId: string) => Promise<CliResult[]>) {
  let others: Promise<CliResult[]> | undefined;
  const run = await runCli(
    suite.runArgs('--test-dir', http, '--prop', `loops=${loops}`, '--prop', 'target.path=/?delay=200'),
    {
      onOutput: (soFar) => {
        if (!others && soFar.includes(ENGINES_STARTED)) others = during(runIdSoFar(soFar) as string);
      },
    },
  );
  return { run, others: (await others) ?? [] };
}

describe('on a shared swarm, a janitor never kills a live run', () => {
  test('atq doctor calls a run in progress "in progress", and atq cleanup --all leaves it alone', async () => {
    const { run, others } = await runWhile(30, async (runId) => [
      await runCli(['doctor']),
      await runCli(['cleanup', '--all']),
      await runCli(['cleanup', '--run', runId]),
    ]);
    const [doctor, all, named] = others as [CliResult, CliResult, CliResult];
    const runId = runIdOf(run);
    expect(doctor.stdout).toMatch(
      new RegExp(`^ok {4}in progress: run ${runId} \\(\\d+ object\\(s\\), owner \\S+@\\S+ pid \\d+`, 'm'),
    );
    expect(doctor.stdout).not.toContain(`leftover: run ${runId}`);
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(
      new RegExp(
        `left alone: run ${runId} .*in progress: last heartbeat .* ago; if its process is gone, add --force`,
      ),
    );
    // Naming a live run without --force removes nothing and says why.
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`left alone: run ${runId}`);
    // The run was not disturbed: every sample is there.
    expect(run.code).toBe(0);
    expect(readJtl(path.join(suite.out, runId, 'results.jtl'))).toHaveLength(2 * 2 * 30);
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('--force removes a live run, saying what it kills; the run says someone else removed it', async () => {
    const { run, others } = await runWhile(100_000, async (runId) => [
      await runCli(['cleanup', '--run', runId, '--force']),
    ]);
    const [forced] = others as [CliResult];
    const runId = runIdOf(run);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(new RegExp(`--force: removing a run in progress: run ${runId} .*owner`));
    expect(forced.stderr).toContain(`removed service atq-${runId}-workers`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[RUN_REMOVED]');
    expect(run.stderr).toContain('removed by someone else while it ran');
    const saved = JSON.parse(readFileSync(path.join(suite.out, runId, 'run.json'), 'utf8'));
    expect(saved).toMatchObject({ status: 'failed', error: { code: 'RUN_REMOVED' } });
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('a run whose atq was killed on this machine is abandoned at once: cleanup --run needs no --force', async () => {
    let runId: string | undefined;
    const killed = await runCli(
      suite.runArgs('--test-dir', http, '--prop', 'loops=100000', '--prop', 'target.path=/?delay=200'),
      {
        onOutput: (soFar, child) => {
          if (!runId && soFar.includes(ENGINES_STARTED)) {
            runId = runIdSoFar(soFar);
            child.kill('SIGKILL');
          }
        },
      },
    );
    expect(killed.signal).toBe('SIGKILL');
    const doctor = await runCli(['doctor']);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `^warn {2}leftover: run ${runId} .*abandoned: its atq process on this machine has ended`,
        'm',
      ),
    );
    const named = await runCli(['cleanup', '--run', runId as string]);
    expect(named.code).toBe(0);
    expect(named.stderr).toContain(`removed service atq-${runId}-workers`);
    expect(await leftovers(client, runId as string)).toEqual([]);
  });

  test('a run left with --keep is a leftover at once: doctor lists it, cleanup --all removes it', async () => {
    const kept = await runCli(suite.runArgs('--test-dir', http, '--prop', 'loops=1', '--keep'));
    expect(kept.code).toBe(0);
    const runId = runIdOf(kept);
    const doctor = await runCli(['doctor']);
    expect(doctor.stdout).toMatch(new RegExp(`^warn {2}leftover: run ${runId} .*released by its run`, 'm'));
    expect(doctor.stdout).toMatch(
      /^warn {2}leftovers: \d+ run\(s\) no longer alive; remove them with atq cleanup --all/m,
    );
    const all = await runCli(['cleanup', '--all']);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain(`removed service atq-${runId}-workers`);
    expect(all.stderr).toContain(`removed config atq-${runId}-lease`);
    expect(await leftovers(client, runId)).toEqual([]);
    expect(existsSync(path.join(suite.out, runId, 'results.jtl'))).toBe(true);
  });
});
