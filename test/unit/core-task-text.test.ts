import { waitForMaster } from '../../src/core/master.js';
import type { RunContext } from '../../src/core/context.js';
import { describeTask, type WorkerWatch } from '../../src/core/workers.js';
import { toTaskInfo } from '../../src/swarm/client.js';
import type { SwarmClient } from '../../src/swarm/api.js';
import type { TaskInfo } from '../../src/swarm/types.js';

/** A task as Docker Engine 20.10 reports it for an image no node has (GET /tasks, measured). */
const REJECTED = {
  ID: 'vgb3r8rysqos709dpupo4ym5i',
  ServiceID: 'svc1',
  Slot: 1,
  NodeID: 'node1',
  CreatedAt: '2026-12-06T20:46:30Z',
  DesiredState: 'shutdown',
  Status: {
    State: 'rejected',
    Message: 'preparing',
    Err: 'No such image: atq-no-such-image:1',
    ContainerStatus: { ContainerID: '', PID: 0, ExitCode: 0 },
  },
};

const STARTED_AND_FAILED = {
  ...REJECTED,
  Status: {
    State: 'failed',
    Message: 'started',
    Err: 'task: non-zero exit (137)',
    ContainerStatus: { ContainerID: 'c0ffee', PID: 0, ExitCode: 137 },
  },
};

describe('a task that never started says so, with no exit code (issue 22)', () => {
  test('a worker rejected for a missing image: "not started: No such image …"', () => {
    const task = toTaskInfo(REJECTED);
    expect(task.exitCode).toBeUndefined();
    const text = describeTask(task);
    expect(text).toBe(
      'worker 1 (task vgb3r8rysqos) is rejected, not started: No such image: atq-no-such-image:1',
    );
    expect(describeTask(task, 'engine')).toMatch(/^engine 1 .* not started: No such image/);
  });

  test('a worker whose container ran and died still reports its exit code', () => {
    expect(describeTask(toTaskInfo(STARTED_AND_FAILED))).toBe(
      'worker 1 (task vgb3r8rysqos) is failed, exit code 137 = killed (SIGKILL: the OOM killer or docker kill): ' +
        'task: non-zero exit (137)',
    );
  });

  test('a master that never started fails as MASTER_FAILED "not started", even when Docker calls it failed', async () => {
    for (const raw of [REJECTED, { ...REJECTED, Status: { ...REJECTED.Status, State: 'failed' } }]) {
      const task = toTaskInfo(raw);
      const client = { tasks: async (): Promise<TaskInfo[]> => [task] } as unknown as SwarmClient;
      const ctx = {
        client,
        deadline: Date.now() + 10_000,
        signal: new AbortController().signal,
        options: { timeoutMs: 10_000 },
        control: { pace: 1 },
      } as unknown as RunContext;
      const watch = { failure: new Promise<never>(() => {}) } as WorkerWatch;
      const failure = await waitForMaster(ctx, 'svc1', watch, () => {}).catch((e: Error) => e);
      expect(failure).toMatchObject({ code: 'MASTER_FAILED' });
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^The JMeter master was not started \\(its task is ${task.state}\\): No such image: atq-no-such-image:1\\.`,
        ),
      );
      expect((failure as Error).message).not.toMatch(/exit code/);
    }
  });
});
