import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Which process on which kernel holds a lease, so that a run whose `atq` was killed on this very machine is
 * known abandoned at once instead of after its lease expires. A host name alone cannot say "this machine":
 * containers share names, and a pid means something only inside its pid namespace on one boot of one kernel.
 * So the identity is the kernel's boot id, the pid namespace, the pid and the process's start time (a pid
 * reused by a later process has another start time). Linux only: elsewhere nothing is known and the lease
 * decides, as before.
 */
export interface ProcessIdentity {
  boot: string;
  pidNamespace: string;
  pid: number;
  startTime: string;
}

const PROC = '/proc';

export function processIdentity(pid: number = process.pid, proc = PROC): ProcessIdentity | undefined {
  try {
    const boot = readFileSync(`${proc}/sys/kernel/random/boot_id`, 'utf8').trim();
    const pidNamespace = readlinkSync(`${proc}/self/ns/pid`);
    const startTime = startTimeOf(pid, proc);
    return boot && startTime ? { boot, pidNamespace, pid, startTime } : undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (clock ticks since boot); the command name before it may hold spaces and ')'. */
function startTimeOf(pid: number, proc: string): string | undefined {
  const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

export function formatIdentity(p: ProcessIdentity): string {
  return `${p.boot} ${p.pidNamespace} ${p.pid} ${p.startTime}`;
}

export function parseIdentity(text: string | undefined): ProcessIdentity | undefined {
  const [boot, pidNamespace, pid, startTime, extra] = (text ?? '').split(' ');
  if (!boot || !pidNamespace || !startTime || extra !== undefined || !/^[1-9]\d{0,9}$/.test(pid ?? ''))
    return undefined;
  return { boot, pidNamespace, pid: Number(pid), startTime };
}

/**
 * True only when the process certainly ended: it ran on this kernel boot in this pid namespace, and no
 * process with its pid and start time exists now. Unknown (another machine or namespace, no /proc) is false.
 */
export function processGone(holder: ProcessIdentity | undefined, proc = PROC): boolean {
  const here = processIdentity(process.pid, proc);
  if (!holder || !here || holder.boot !== here.boot || holder.pidNamespace !== here.pidNamespace)
    return false;
  try {
    return startTimeOf(holder.pid, proc) !== holder.startTime;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
