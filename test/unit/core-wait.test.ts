import { jest } from '@jest/globals';
import { RunResources } from '../../src/core/cleanup.js';
import { RunControl } from '../../src/core/control.js';
import { runWaitCommand, type WaitContext } from '../../src/core/wait-command.js';
import { silentLogger } from '../../src/util/log.js';
import { JMETER_IMAGE, jmeterSwarm, PACE } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/** The wait command against the fake swarm, on its own: what ends it, and what it leaves. */

async function waitContext(runDeadlineMs: number, waitTimeoutMs: number) {
  const { swarm } = jmeterSwarm({ waitAttempts: 0 });
  // A run timer that has not fired yet: the wait's own deadline comes first, as it can by a millisecond.
  const control = new RunControl(undefined, 60_000, () => 'wait', PACE);
  const resources = new RunResources(swarm, 'r1', silentLogger, PACE);
  const net = await swarm.createNetwork('atq-r1-net', resources.labels('network'), false);
  const ctx: WaitContext = {
    runId: 'r1',
    client: swarm,
    logger: silentLogger,
    signal: control.signal,
    control,
    resources,
    networkIds: [net.id],
    deadline: Date.now() + runDeadlineMs,
    options: {
      workerImage: JMETER_IMAGE,
      timeoutMs: runDeadlineMs,
      waitCommand: { command: 'nc -z target 80', timeoutMs: waitTimeoutMs },
    },
  };
  return { swarm, control, ctx };
}

describe('the wait command', () => {
  test("reaching the run's deadline is the run's --timeout, not the wait command failing", async () => {
    const { control, ctx } = await waitContext(150, 60_000);
    const error = await runWaitCommand(ctx, []).catch((e: unknown) => e);
    control.dispose();
    expect(error).toMatchObject({ code: 'RUN_TIMEOUT', details: { during: 'the wait command was running' } });
  });

  test('its own --wait-timeout: WAIT_COMMAND_FAILED with the last attempts', async () => {
    const { control, ctx } = await waitContext(60_000, 150);
    const error = await runWaitCommand(ctx, []).catch((e: unknown) => e);
    control.dispose();
    expect(error).toMatchObject({ code: 'WAIT_COMMAND_FAILED' });
    expect((error as Error).message).toContain('atq-wait: not yet (exit 1)');
  });
});
