import { EventEmitter } from 'node:events';
import type { SwarmClient } from '../../src/swarm/api.js';
import { EngineCalls, MISSING } from '../../src/swarm/calls.js';
import type { LogLine } from '../../src/swarm/demux.js';
import type {
  ConfigInfo,
  EngineInfo,
  LabelledObject,
  Labels,
  NetworkInfo,
  NodeInfo,
  ObjectKind,
  ServiceSpecInput,
} from '../../src/swarm/types.js';
import { FakeContainer, type Program } from './fake-container.js';
import { archiveOf } from './fake-archive.js';
import { httpError, refused } from './fake-errors.js';
import { followLines, type LineRecord } from './fake-logs.js';
import { labelled, removeObject, type Stored } from './fake-objects.js';
import { placeTask, runTask, type FakeService, type FakeTask } from './fake-tasks.js';

export { FakeContainer, type Program };
export { httpError, refused, reset } from './fake-errors.js';

/** One call the core made: tests may delay it, fail it, or act on the swarm when it comes. */
export interface Call {
  method: string;
  args: unknown[];
}
export type Interceptor = (call: Call) => void | Promise<void>;

interface FakeNetwork extends Stored {
  subnet: string;
  attachable: boolean;
  nextHost: number;
}
interface FakeBlob extends Stored {
  data: Buffer;
  version: number;
  updatedAt: string;
}

/** The node whose API the core talks to. */
const MANAGER = 'node-manager';

/** What Engine 20.10 accepts in one config or secret. */
const MAX_BLOB_BYTES = 500 * 1024;

/**
 * An in-memory Docker Swarm for the lifecycle's unit tests, behind the same SwarmClient interface as the
 * Docker client, and failing the same way (its calls go through the same EngineCalls). Tests script what
 * the swarm does — images as small programs (FakeContainer), nodes, lingering containers, a stopped engine,
 * a skewed clock, failing or slow calls — and then assert what the core did with it.
 *
 * Behaviour the core relies on, as a real swarm has it: tasks go new → pending → assigned → preparing →
 * starting → running → complete/failed (rejected without the image; pending without a node that fits the
 * constraints or has the service's reservation unreserved); removing a service stops its containers, which go a moment later; an object in use cannot be
 * removed; a 404 for what is not there; configs carry UpdatedAt from the swarm's clock; followed logs go on
 * until the caller stops them and break when the engine stops.
 */
export class FakeSwarm implements SwarmClient {
  readonly url = 'tcp://127.0.0.1:2376';
  private readonly calls = new EngineCalls(this.url);
  readonly nodeList: NodeInfo[] = [
    node(MANAGER, 'manager', 'manager'),
    node('node-worker', 'worker', 'worker'),
  ];
  /** Images the swarm's nodes have: a task of any other image is rejected ("No such image"). */
  readonly images = new Map<string, Program>();
  readonly services = new Map<string, FakeService>();
  /** Every node's containers; the API we talk to (the manager's) sees only its own node's. */
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, FakeNetwork>();
  readonly configs = new Map<string, FakeBlob>();
  readonly secrets = new Map<string, FakeBlob>();
  /** Every line every container printed, in order. */
  readonly lines: LineRecord[] = [];
  readonly events = new EventEmitter();
  /** Every call, in order (method and first argument). */
  readonly journal: string[] = [];
  /** The spec of every service created, by name (kept after its removal). */
  readonly specs = new Map<string, ServiceSpecInput>();
  /** Objects created, in order. */
  readonly created: { kind: ObjectKind; name: string }[] = [];
  /** Objects removed, in order. */
  readonly removed: { kind: ObjectKind; name: string }[] = [];
  /** Removals refused because the object was in use. */
  readonly refusedInUse: { kind: ObjectKind; name: string }[] = [];
  /** How long a removed service's containers stay (and keep the network in use). */
  containerLingerMs = 0;
  /** Time between two steps of a task's life (scheduling, preparing, starting). */
  stepMs = 1;
  /** The swarm's clock against this machine's (a manager whose clock is off). */
  clockSkewMs = 0;
  private interceptors: Interceptor[] = [];
  private down = false;
  private seq = 0;

  get unreachableSince(): number | undefined {
    return this.calls.unreachableSince;
  }

  image(name: string, program: Program): this {
    this.images.set(name, program);
    return this;
  }

  /** Runs `fn` before each call the core makes (it may throw a failure, wait, or change the swarm). */
  intercept(fn: Interceptor): () => void {
    this.interceptors.push(fn);
    return () => (this.interceptors = this.interceptors.filter((i) => i !== fn));
  }

  /** The next call of `method` (matching `when`) fails with `error` (an httpError, refused(), …). */
  failNext(method: string, error: Error, when: (call: Call) => boolean = () => true): void {
    const off = this.intercept((call) => {
      if (call.method !== method || !when(call)) return;
      off();
      throw error;
    });
  }

  /** The engine stops answering: every call is refused, followed logs break off. */
  stopEngine(): void {
    this.down = true;
    this.events.emit('down');
  }

  startEngine(): void {
    this.down = false;
  }

  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(4, '0')}${'0'.repeat(20)}`.slice(0, 25);
  }

  /** What is on the swarm with `atq.run` (or `atq.run=<id>`), read directly (no call, works while it is down). */
  objects(label = 'atq.run'): LabelledObject[] {
    return labelled(this, label, true);
  }

  /** The service called `name`, if it exists. */
  service(name: string): FakeService | undefined {
    return [...this.services.values()].find((s) => s.name === name);
  }

  print(task: FakeTask, stream: LogLine['stream'], line: string): void {
    const record = { serviceId: task.info.serviceId, taskId: task.info.id, stream, line };
    this.lines.push(record);
    this.events.emit('line', record);
  }

  /** Addresses of the running tasks of service `name` on any of `networks` (the swarm's DNS, dnsrr). */
  resolve(name: string, networks: string[]): string[] {
    const svc = this.service(name);
    if (!svc) return [];
    return svc.tasks
      .filter((t) => t.info.state === 'running')
      .flatMap((t) => networks.map((n) => t.info.addresses[n]).filter((a): a is string => !!a));
  }

  /** The running container with `address` on one of `networks`. */
  reach(address: string, networks: string[]): FakeContainer | undefined {
    for (const svc of this.services.values())
      for (const t of svc.tasks)
        if (t.container?.running && networks.some((n) => t.info.addresses[n] === address)) return t.container;
    return undefined;
  }

  /** Hands out the next address on a network (a task attaching to it). */
  allocate(networkId: string): string | undefined {
    const n = this.networks.get(networkId);
    if (!n) return undefined;
    return n.subnet.replace(/0\/24$/, String(n.nextHost++));
  }

  // ---- SwarmClient ----

  info(): Promise<EngineInfo> {
    return this.op('reach the Docker engine', 'info', [], () => ({
      nodeId: MANAGER,
      nodeAddr: '10.10.0.1',
      localNodeState: 'active',
      isManager: true,
      serverVersion: '20.10.24+fake',
      apiVersion: '1.41',
      nodes: this.nodeList.length,
      systemTime: this.now(),
    }));
  }

  nodes(): Promise<NodeInfo[]> {
    return this.op('list nodes', 'nodes', [], () => this.nodeList.map((n) => ({ ...n })));
  }

  createNetwork(name: string, labels: Labels, _encrypted: boolean): Promise<NetworkInfo> {
    return this.op(`create network ${name}`, 'createNetwork', [name], () => {
      if ([...this.networks.values()].some((n) => n.name === name))
        throw httpError(409, `network with name ${name} already exists`);
      const n: FakeNetwork = {
        ...this.stored('net', name, labels),
        subnet: `10.0.${this.networks.size + 2}.0/24`,
        attachable: true,
        nextHost: 2,
      };
      this.networks.set(n.id, n);
      this.created.push({ kind: 'network', name });
      return networkInfo(n);
    });
  }

  inspectNetwork(idOrName: string): Promise<NetworkInfo | undefined> {
    return this.opOrMissing(`inspect network ${idOrName}`, 'inspectNetwork', [idOrName], () => {
      const n = this.networks.get(idOrName) ?? [...this.networks.values()].find((x) => x.name === idOrName);
      if (!n) throw httpError(404, `network ${idOrName} not found`);
      return networkInfo(n);
    });
  }

  createConfig(name: string, data: Buffer, labels: Labels): Promise<string> {
    return this.op(`create config ${name}`, 'createConfig', [name], () =>
      this.blob('config', name, data, labels),
    );
  }

  inspectConfig(id: string): Promise<ConfigInfo | undefined> {
    return this.opOrMissing(`inspect config ${id}`, 'inspectConfig', [id], () => {
      const c = this.configs.get(id);
      if (!c) throw httpError(404, `config ${id} not found`);
      return {
        id,
        name: c.name,
        labels: { ...c.labels },
        version: c.version,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
      };
    });
  }

  async setConfigLabels(id: string, labels: Labels): Promise<boolean> {
    const done = await this.opOrMissing(`update config ${id}`, 'setConfigLabels', [id, labels], () => {
      const c = this.configs.get(id);
      if (!c) throw httpError(404, `config ${id} not found`);
      Object.assign(c, { labels: { ...labels }, version: c.version + 1, updatedAt: iso(this.now()) });
      return true;
    });
    return done === true;
  }

  createSecret(name: string, data: Buffer, labels: Labels): Promise<string> {
    return this.op(`create secret ${name}`, 'createSecret', [name], () =>
      this.blob('secret', name, data, labels),
    );
  }

  createService(spec: ServiceSpecInput): Promise<string> {
    return this.op(`create service ${spec.name}`, 'createService', [spec.name, spec], () => {
      if (this.service(spec.name))
        throw httpError(409, 'rpc error: code = AlreadyExists desc = name conflicts with an existing object');
      for (const n of spec.networks)
        if (!this.networks.has(n)) throw httpError(404, `network ${n} not found`);
      for (const c of spec.configs)
        if (!this.configs.has(c.id)) throw httpError(400, `config ${c.id} not found`);
      for (const s of spec.secrets)
        if (!this.secrets.has(s.id)) throw httpError(400, `secret ${s.id} not found`);
      const svc: FakeService = {
        id: this.id('svc'),
        name: spec.name,
        spec,
        createdAt: iso(this.now()),
        tasks: [],
      };
      this.services.set(svc.id, svc);
      this.created.push({ kind: 'service', name: spec.name });
      this.specs.set(spec.name, spec);
      const slots = spec.global ? this.nodeList.map(() => 0) : range(spec.replicas);
      slots.forEach((slot, i) => {
        const task = placeTask(this, svc, slot);
        void runTask(this, svc, task, spec.global ? this.nodeList[i] : undefined);
      });
      return svc.id;
    });
  }

  listServices() {
    return this.op('list services', 'listServices', [], () =>
      [...this.services.values()].map((s) => ({ id: s.id, name: s.name })),
    );
  }

  tasks(serviceId: string) {
    return this.op(`list tasks of ${serviceId}`, 'tasks', [serviceId], () =>
      // As Docker does: a filter naming a service that does not exist is a 404, not an empty list.
      this.existing(serviceId)
        .tasks.map((t) => ({ ...t.info, addresses: { ...t.info.addresses } }))
        .sort((a, b) => a.slot - b.slot || a.createdAt.localeCompare(b.createdAt)),
    );
  }

  async *logs(
    kind: 'service' | 'task',
    id: string,
    opts: { follow: boolean; tail?: number; signal?: AbortSignal },
  ): AsyncGenerator<LogLine> {
    const match = await this.op(`read logs of ${kind} ${id}`, 'logs', [kind, id], () => {
      if (kind === 'service') this.existing(id);
      if (kind === 'task' && !this.taskById(id)) throw httpError(404, `task ${id} not found`);
      return (r: LineRecord) => (kind === 'service' ? r.serviceId === id : r.taskId === id);
    });
    yield* followLines(this, match, opts);
  }

  exec(containerId: string, command: string[], timeoutMs: number) {
    return this.op(
      `exec in container ${containerId.slice(0, 12)}`,
      'exec',
      [containerId, command],
      async () => {
        const c = this.local(containerId);
        if (!c) throw httpError(404, `No such container: ${containerId}`);
        if (!c.running) throw httpError(409, `Container ${containerId} is not running`);
        const done = c.exec(command);
        const late = new Promise<{ exitCode?: number; output: string }>((resolve) =>
          setTimeout(() => resolve({ exitCode: undefined, output: '' }), timeoutMs).unref(),
        );
        return Promise.race([done, late]);
      },
    );
  }

  stopContainer(containerId: string, graceSeconds: number): Promise<void> {
    return this.op(
      `stop container ${containerId.slice(0, 12)}`,
      'stopContainer',
      [containerId, graceSeconds],
      async () => {
        const c = this.local(containerId);
        if (!c) throw httpError(404, `No such container: ${containerId}`);
        c.halt();
      },
    );
  }

  getArchive(containerId: string, path: string): Promise<NodeJS.ReadableStream> {
    return this.op(
      `copy ${path} out of container ${containerId.slice(0, 12)}`,
      'getArchive',
      [containerId, path],
      () => {
        const c = this.local(containerId);
        if (!c) throw httpError(404, `No such container: ${containerId}`);
        const archive = archiveOf(c.files, path);
        if (!archive) throw httpError(404, `Could not find the file ${path} in container ${containerId}`);
        return archive;
      },
    );
  }

  listLabelled(label: string): Promise<LabelledObject[]> {
    return this.op('list services', 'listLabelled', [label], () => labelled(this, label));
  }

  async remove(kind: ObjectKind, id: string): Promise<boolean> {
    await this.opOrMissing(`remove ${kind} ${id}`, 'remove', [kind, id], () => removeObject(this, kind, id));
    return true;
  }

  // ---- the swarm's own bookkeeping ----

  private async op<T>(what: string, method: string, args: unknown[], fn: () => T | Promise<T>): Promise<T> {
    return this.calls.call(what, () => this.enter(method, args, fn));
  }

  private async opOrMissing<T>(
    what: string,
    method: string,
    args: unknown[],
    fn: () => T | Promise<T>,
  ): Promise<T | undefined> {
    const r = await this.calls.call(what, () => this.enter(method, args, fn), MISSING);
    return r === MISSING ? undefined : r;
  }

  private async enter<T>(method: string, args: unknown[], fn: () => T | Promise<T>): Promise<T> {
    this.journal.push(`${method} ${typeof args[0] === 'string' ? args[0] : ''}`.trim());
    for (const i of [...this.interceptors]) await i({ method, args });
    // An answer comes back on a later turn of the event loop, as a real one does.
    await new Promise((r) => setImmediate(r));
    if (this.down) throw refused();
    return fn();
  }

  private stored(prefix: string, name: string, labels: Labels): Stored {
    return { id: this.id(prefix), name, labels: { ...labels }, createdAt: iso(this.now()) };
  }

  private blob(kind: 'config' | 'secret', name: string, data: Buffer, labels: Labels): string {
    const store = kind === 'config' ? this.configs : this.secrets;
    if ([...store.values()].some((b) => b.name === name))
      throw httpError(409, `rpc error: code = AlreadyExists desc = ${name} already exists`);
    if (data.length === 0 || data.length > MAX_BLOB_BYTES)
      throw httpError(
        400,
        `rpc error: code = InvalidArgument desc = data must be larger than 0 and less than 500KB`,
      );
    const b: FakeBlob = { ...this.stored('cfg', name, labels), data, version: 1, updatedAt: iso(this.now()) };
    store.set(b.id, b);
    this.created.push({ kind, name });
    return b.id;
  }

  private existing(serviceId: string): FakeService {
    const svc = this.services.get(serviceId);
    if (!svc) throw httpError(404, `service ${serviceId} not found`);
    return svc;
  }

  /** A container on the manager's node: the container API is node-local. */
  local(id: string): FakeContainer | undefined {
    const c = this.containers.get(id);
    return c?.nodeId === MANAGER ? c : undefined;
  }

  private taskById(id: string): FakeTask | undefined {
    for (const s of this.services.values()) {
      const t = s.tasks.find((x) => x.info.id === id);
      if (t) return t;
    }
    return undefined;
  }
}

function node(id: string, hostname: string, role: string): NodeInfo {
  return {
    id,
    hostname,
    role,
    state: 'ready',
    availability: 'active',
    addr: '10.10.0.1',
    engineVersion: '20.10.24',
    cpus: 2,
    memoryBytes: 4 * 1024 ** 3,
  };
}

function networkInfo(n: FakeNetwork): NetworkInfo {
  return {
    id: n.id,
    name: n.name,
    scope: 'swarm',
    driver: 'overlay',
    attachable: n.attachable,
    subnet: n.subnet,
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
