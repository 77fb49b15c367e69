import { FINAL_STATES, type ServiceSpecInput, type TaskInfo, type TaskState } from '../../src/swarm/types.js';
import { FakeContainer, Stopped } from './fake-container.js';
import { iso, type FakeSwarm } from './fake-swarm.js';
import type { NodeInfo } from '../../src/swarm/types.js';

export interface FakeTask {
  info: TaskInfo;
  container?: FakeContainer;
}

export interface FakeService {
  id: string;
  name: string;
  spec: ServiceSpecInput;
  createdAt: string;
  tasks: FakeTask[];
}

/** A new task of `svc` in slot `slot` (0 for a global service's, which has a fixed node). */
export function placeTask(swarm: FakeSwarm, svc: FakeService, slot: number): FakeTask {
  const info: TaskInfo = {
    id: swarm.id('task'),
    serviceId: svc.id,
    slot,
    nodeId: '',
    state: 'new',
    desiredState: 'running',
    message: 'created',
    error: '',
    addresses: {},
    createdAt: iso(swarm.now()),
  };
  const task = { info };
  svc.tasks.push(task);
  return task;
}

/**
 * A task's life as Swarm's orchestrator and the node's engine lead it: scheduled on a node that satisfies
 * the constraints (else pending for good), attached to its networks, its image prepared (rejected when no
 * node has it), started, then complete or failed by its program's exit code. Restart policy none: a task
 * that ends stays ended.
 */
export async function runTask(swarm: FakeSwarm, svc: FakeService, task: FakeTask, fixed?: NodeInfo) {
  const info = task.info;
  const alive = () => swarm.services.has(svc.id);
  const step = async (state: TaskState, message: string) => {
    await new Promise((r) => setTimeout(r, swarm.stepMs));
    if (!alive()) throw new Stopped();
    Object.assign(info, { state, message });
  };
  try {
    await step('pending', 'pending task scheduling');
    const eligible = fixed ? [fixed] : swarm.nodeList.filter((n) => fits(n, svc.spec.constraints ?? []));
    const roomy = eligible.filter((n) => hasRoom(swarm, n, svc.spec.resources));
    const node = roomy[(Math.max(info.slot, 1) - 1) % Math.max(roomy.length, 1)];
    if (!node) {
      // As Swarm's scheduler says it, in the task's Err; the task stays pending.
      if (eligible.length)
        info.error = `no suitable node (insufficient resources on ${eligible.length} node${eligible.length === 1 ? '' : 's'})`;
      else
        info.message = `no suitable node (scheduling constraints not satisfied on ${swarm.nodeList.length} nodes)`;
      return;
    }
    info.nodeId = node.id;
    for (const n of svc.spec.networks) {
      const address = swarm.allocate(n);
      if (address) info.addresses[n] = address;
    }
    await step('assigned', 'scheduler assigned task to node');
    await step('preparing', 'preparing');
    const program = swarm.images.get(svc.spec.image);
    if (!program) {
      Object.assign(info, {
        state: 'rejected',
        error: `No such image: ${svc.spec.image}`,
        desiredState: 'shutdown',
      });
      return;
    }
    await step('starting', 'starting');
    const c = container(swarm, svc, task, node);
    await step('running', 'started');
    info.exitCode = 0; // as Docker reports a running container's status
    await finish(info, c, await run(program, c));
  } catch (e) {
    if (!(e instanceof Stopped)) throw e;
  }
}

async function run(program: (c: FakeContainer) => Promise<number>, c: FakeContainer): Promise<number> {
  try {
    return await program(c);
  } catch (e) {
    if (e instanceof Stopped) return 143;
    c.print(`${(e as Error).message}`, 'stderr');
    return 1;
  }
}

async function finish(info: TaskInfo, c: FakeContainer, code: number): Promise<void> {
  c.running = false;
  info.desiredState = 'shutdown';
  if (c.stopped.aborted) {
    Object.assign(info, { state: 'shutdown', message: 'shutdown', exitCode: code });
    return;
  }
  Object.assign(info, {
    state: code === 0 ? 'complete' : 'failed',
    message: code === 0 ? 'finished' : 'started',
    error: code === 0 ? '' : `task: non-zero exit (${code})`,
    exitCode: code,
  });
}

function container(swarm: FakeSwarm, svc: FakeService, task: FakeTask, node: NodeInfo): FakeContainer {
  const { spec } = svc;
  const fill = (s: string) =>
    s
      .replaceAll('{{.Task.Slot}}', String(task.info.slot))
      .replaceAll('{{.Service.Name}}', svc.name)
      .replaceAll('{{.Task.ID}}', task.info.id)
      .replaceAll('{{.Node.ID}}', node.id);
  const env = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, fill(v)]));
  const id = swarm.id('ctr') + 'c'.repeat(39);
  const name = `${svc.name}.${task.info.slot || node.id}.${task.info.id}`;
  const c = new FakeContainer(
    swarm,
    task,
    id,
    name,
    spec.labels,
    spec.networks,
    env,
    spec.command,
    spec.args ?? [],
    fill(spec.hostname ?? id.slice(0, 12)),
    node.id,
  );
  // Configs and secrets are files in the container (a secret's relative target under /run/secrets).
  for (const m of spec.configs) c.write(m.target, swarm.configs.get(m.id)?.data ?? '');
  for (const m of spec.secrets)
    c.write(
      m.target.startsWith('/') ? m.target : `/run/secrets/${m.target}`,
      swarm.secrets.get(m.id)?.data ?? '',
    );
  swarm.containers.set(id, c);
  task.container = c;
  task.info.containerId = id;
  return c;
}

/**
 * Whether `n` has `wants` unreserved: its CPUs and memory less the reservations of the tasks placed there
 * that have not ended (Swarm's scheduler frees a task's reservation once it is past running).
 */
function hasRoom(swarm: FakeSwarm, n: NodeInfo, wants: ServiceSpecInput['resources']): boolean {
  if (!wants) return true;
  let cpus = 0;
  let memory = 0;
  for (const s of swarm.services.values())
    for (const t of s.tasks)
      if (t.info.nodeId === n.id && !FINAL_STATES.has(t.info.state)) {
        cpus += s.spec.resources?.cpus ?? 0;
        memory += s.spec.resources?.memoryBytes ?? 0;
      }
  return cpus + (wants.cpus ?? 0) <= n.cpus && memory + (wants.memoryBytes ?? 0) <= n.memoryBytes;
}

/** Placement constraints as Swarm reads them: node.id==, node.role==, node.hostname== (and !=). */
function fits(n: NodeInfo, constraints: string[]): boolean {
  return constraints.every((c) => {
    const m = /^node\.(id|role|hostname)\s*(==|!=)\s*(.+)$/.exec(c.trim());
    if (!m) return false;
    const value = { id: n.id, role: n.role, hostname: n.hostname }[m[1] as 'id' | 'role' | 'hostname'];
    return (value === m[3]) === (m[2] === '==');
  });
}
