import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { formatIdentity, parseIdentity, processGone, processIdentity } from '../../src/core/local-process.js';
import { LEASE_LABELS, leaseLabels, runStates } from '../../src/core/lease.js';
import type { LabelledObject } from '../../src/swarm/types.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');

function leaseOf(process: string | undefined): LabelledObject {
  return {
    kind: 'config',
    id: 'c1',
    name: 'atq-r1-lease',
    labels: {
      'atq.run': 'r1',
      'atq.role': 'lease',
      [LEASE_LABELS.owner]: 'ci@here pid 1',
      [LEASE_LABELS.ttl]: '60',
      ...(process ? { [LEASE_LABELS.process]: process } : {}),
    },
    createdAt: new Date(NOW - 30_000).toISOString(),
    updatedAt: new Date(NOW - 2_000).toISOString(),
  };
}

describe('a lease names its process, so a run killed on this machine is abandoned at once', () => {
  test('a child process: live while it runs, gone once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const holder = processIdentity(child.pid as number);
      expect(holder).toBeDefined();
      const text = formatIdentity(holder!);
      expect(parseIdentity(text)).toEqual(holder);
      expect(processGone(holder)).toBe(false);
      expect(runStates([leaseOf(text)], NOW)[0]).toMatchObject({ live: true, why: /in progress/ });
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(processGone(holder)).toBe(true);
      expect(runStates([leaseOf(text)], NOW)[0]).toMatchObject({
        live: false,
        why: expect.stringMatching(/^abandoned: its atq process on this machine has ended/),
      });
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a pid reused by a later process (another start time) is gone; our own process is not', () => {
    const self = processIdentity()!;
    expect(processGone(self)).toBe(false);
    expect(processGone({ ...self, startTime: String(Number(self.startTime) + 1) })).toBe(true);
  });

  test('another kernel boot or pid namespace, or no identity at all, is never judged: the lease decides', () => {
    const self = processIdentity()!;
    const dead = { ...self, pid: 2 ** 22 + 1 }; // above Linux's pid_max
    expect(processGone(dead)).toBe(true);
    expect(processGone({ ...dead, boot: 'another-boot' })).toBe(false);
    expect(processGone({ ...dead, pidNamespace: 'pid:[1]' })).toBe(false);
    expect(processGone(undefined)).toBe(false);
    expect(runStates([leaseOf(undefined)], NOW)[0]).toMatchObject({ live: true });
    expect(runStates([leaseOf('not an identity')], NOW)[0]).toMatchObject({ live: true });
  });

  test('the lease carries this process', () => {
    const labels = leaseLabels({}, new Date(NOW), 0);
    expect(parseIdentity(labels[LEASE_LABELS.process])).toEqual(processIdentity());
  });
});
