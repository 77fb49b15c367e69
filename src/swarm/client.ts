import { isAtqError } from '../errors.js';
import Docker from 'dockerode';
import { within } from '../util/abort.js';
import type { SwarmClient } from './api.js';
import { EngineCalls, MISSING } from './calls.js';
import type { Connection } from './connection.js';
import { modemOptions } from './engine-agent.js';
import { demuxLines, type LogLine } from './demux.js';
import type {
  ConfigInfo,
  EngineInfo,
  LabelledObject,
  Labels,
  NetworkInfo,
  NodeInfo,
  ObjectKind,
  ServiceLimits,
  ServiceSpecInput,
  TaskInfo,
  TaskState,
} from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the Engine API's JSON is mapped to our types here, once */

/** Swarm's form of CPUs and memory (nothing for what is not given). */
function amounts(r: ServiceLimits): Record<string, number> {
  const a: Record<string, number> = {};
  if (r.cpus) a.NanoCPUs = Math.round(r.cpus * 1e9);
  if (r.memoryBytes) a.MemoryBytes = r.memoryBytes;
  return a;
}

/** The smaller of two amounts, either of which may be unset (0 or undefined: no cap). */
const least = (a?: number, b?: number) => (a && b ? Math.min(a, b) : a || b);

/**
 * A service's TaskTemplate.Resources: the client's caps and the service's own reservation as limits (the
 * smaller wins), the reservation as given but never above the limit (Docker refuses to start a container
 * whose memory reservation exceeds its limit). Nothing when there is neither.
 */
export function serviceResources(caps: ServiceLimits, own: ServiceLimits = {}) {
  const limits = amounts({
    cpus: least(caps.cpus, own.cpus),
    memoryBytes: least(caps.memoryBytes, own.memoryBytes),
  });
  const reserved = amounts({
    cpus: own.cpus && least(caps.cpus, own.cpus),
    memoryBytes: own.memoryBytes && least(caps.memoryBytes, own.memoryBytes),
  });
  if (!Object.keys(limits).length) return {};
  return {
    Resources: { Limits: limits, ...(Object.keys(reserved).length ? { Reservations: reserved } : {}) },
  };
}

/** The one place that speaks to the Docker Engine: the core's SwarmClient (api.ts) over dockerode. */
export class DockerSwarmClient implements SwarmClient {
  private readonly calls: EngineCalls;

  private constructor(
    private readonly docker: Docker,
    readonly url: string,
    private readonly limits: ServiceLimits = {},
  ) {
    this.calls = new EngineCalls(url);
  }

  get unreachableSince(): number | undefined {
    return this.calls.unreachableSince;
  }

  /** dockerode's typings model the callback overloads badly for list calls with filters. */
  private get api(): any {
    return this.docker;
  }

  /** `limits` apply to every service this client creates: an ATQ server's caps, whoever asked for the service. */
  static open(conn: Connection, limits?: ServiceLimits): DockerSwarmClient {
    const docker = withoutDockerEnv(() => new Docker(modemOptions(conn)));
    return new DockerSwarmClient(docker, conn.url, limits);
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.calls.call('reach the Docker engine', () => this.docker.info()),
      this.calls.call('reach the Docker engine', () => this.docker.version()),
    ]);
    return {
      nodeId: info.Swarm?.NodeID ?? '',
      nodeAddr: info.Swarm?.NodeAddr ?? '',
      localNodeState: info.Swarm?.LocalNodeState ?? 'inactive',
      isManager: Boolean(info.Swarm?.ControlAvailable),
      serverVersion: info.ServerVersion,
      apiVersion: version.ApiVersion,
      nodes: info.Swarm?.Nodes ?? 0,
      systemTime: Date.parse(info.SystemTime) || Date.now(),
    };
  }

  async nodes(): Promise<NodeInfo[]> {
    const nodes: any[] = await this.calls.call('list nodes', () => this.docker.listNodes());
    return nodes.map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? '',
      role: n.Spec?.Role ?? '',
      state: n.Status?.State ?? '',
      availability: n.Spec?.Availability ?? '',
      addr: n.Status?.Addr ?? '',
      engineVersion: n.Description?.Engine?.EngineVersion ?? '',
      cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
      memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    }));
  }

  async imageExists(ref: string): Promise<boolean> {
    const found = await this.calls.call(
      `inspect image ${ref}`,
      () => this.docker.getImage(ref).inspect(),
      MISSING,
    );
    return found !== MISSING;
  }

  async createNetwork(name: string, labels: Labels, encrypted: boolean): Promise<NetworkInfo> {
    const created: any = await this.calls.call(`create network ${name}`, () =>
      this.docker.createNetwork({
        Name: name,
        Driver: 'overlay',
        Attachable: true,
        CheckDuplicate: true,
        Labels: labels,
        Options: encrypted ? { encrypted: 'true' } : {},
      }),
    );
    // The swarm allocator assigns the subnet asynchronously; the first inspect can come before it.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const n = (await this.inspectNetwork(created.id)) as NetworkInfo;
      if (n.subnet || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async inspectNetwork(idOrName: string): Promise<NetworkInfo | undefined> {
    const n: any = await this.calls.call(
      `inspect network ${idOrName}`,
      () => this.docker.getNetwork(idOrName).inspect(),
      MISSING,
    );
    if (n === MISSING) return undefined;
    return {
      id: n.Id,
      name: n.Name,
      scope: n.Scope,
      driver: n.Driver,
      attachable: Boolean(n.Attachable),
      subnet: n.IPAM?.Config?.[0]?.Subnet,
    };
  }

  async createConfig(name: string, data: Buffer, labels: Labels): Promise<string> {
    const res: any = await this.calls.call(`create config ${name}`, () =>
      this.docker.createConfig({ Name: name, Labels: labels, Data: data.toString('base64') }),
    );
    return res.id ?? res.ID;
  }

  /** A config's labels and when the swarm last changed it (its manager's clock), or undefined if gone. */
  async inspectConfig(id: string): Promise<ConfigInfo | undefined> {
    const c: any = await this.calls.call(
      `inspect config ${id}`,
      () => this.docker.getConfig(id).inspect(),
      MISSING,
    );
    if (c === MISSING) return undefined;
    return {
      id: c.ID,
      name: c.Spec?.Name ?? '',
      labels: c.Spec?.Labels ?? {},
      version: c.Version?.Index ?? 0,
      createdAt: c.CreatedAt ?? '',
      updatedAt: c.UpdatedAt ?? '',
    };
  }

  /**
   * Replaces a config's labels (the only part of a config the swarm lets change); the swarm stamps
   * UpdatedAt with its own clock, which is what makes a config usable as a heartbeat.
   * Returns false when the config is gone.
   */
  async setConfigLabels(id: string, labels: Labels): Promise<boolean> {
    const current: any = await this.calls.call(
      `inspect config ${id}`,
      () => this.docker.getConfig(id).inspect(),
      MISSING,
    );
    if (current === MISSING) return false;
    const update = () =>
      this.api.getConfig(id).update({ version: current.Version.Index, ...current.Spec, Labels: labels });
    return (await this.calls.call(`update config ${id}`, update, MISSING)) !== MISSING;
  }

  /**
   * Runs a command in a running container (node-local, like the archive API) and returns its exit code
   * and output; gives up waiting after `timeoutMs` (the command may go on).
   */
  async exec(
    containerId: string,
    command: string[],
    timeoutMs: number,
  ): Promise<{ exitCode?: number; output: string }> {
    const container = this.docker.getContainer(containerId);
    const exec: any = await this.calls.call(`exec in container ${containerId.slice(0, 12)}`, () =>
      container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true }),
    );
    const stream: any = await this.calls.call(`start exec in ${containerId.slice(0, 12)}`, () =>
      exec.start({ hijack: true, stdin: false }),
    );
    const lines: string[] = [];
    const done = (async () => {
      for await (const l of demuxLines(stream)) lines.push(l.line);
    })();
    await within(timeoutMs, done);
    stream.destroy?.();
    const info: any = await exec.inspect().catch(() => ({}));
    return { exitCode: info.Running ? undefined : info.ExitCode, output: lines.join('\n') };
  }

  async createSecret(name: string, data: Buffer, labels: Labels): Promise<string> {
    const res: any = await this.calls.call(`create secret ${name}`, () =>
      this.docker.createSecret({ Name: name, Labels: labels, Data: data.toString('base64') }),
    );
    return res.id ?? res.ID;
  }

  async createService(spec: ServiceSpecInput): Promise<string> {
    // Mounted files need explicit owner and mode through the raw API, or they end up unreadable (0000).
    const file = (target: string) => ({ Name: target, UID: '0', GID: '0', Mode: 0o444 });
    const body: any = {
      Name: spec.name,
      Labels: spec.labels,
      TaskTemplate: {
        ContainerSpec: {
          Image: spec.image,
          Command: spec.command,
          ...(spec.args?.length ? { Args: spec.args } : {}),
          Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
          Labels: spec.labels,
          Hostname: spec.hostname,
          Configs: spec.configs.map((c) => ({ ConfigID: c.id, ConfigName: c.name, File: file(c.target) })),
          Secrets: spec.secrets.map((s) => ({ SecretID: s.id, SecretName: s.name, File: file(s.target) })),
          ...(spec.mounts?.length
            ? {
                Mounts: spec.mounts.map((m) => ({
                  Type: 'bind',
                  Source: m.source,
                  Target: m.target,
                  ReadOnly: m.readOnly,
                })),
              }
            : {}),
        },
        RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
        ...serviceResources(this.limits, spec.resources),
        Placement: {
          Constraints: spec.constraints ?? [],
          Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }],
        },
        Networks: spec.networks.map((Target) => ({ Target })),
      },
      Mode: spec.global ? { Global: {} } : { Replicated: { Replicas: spec.replicas } },
      // dnsrr: every task's own address is what RMI needs, and VIPs need IPVS (absent on many hosts).
      EndpointSpec: { Mode: 'dnsrr' },
    };
    const res: any = await this.calls.call(`create service ${spec.name}`, () =>
      this.docker.createService(body),
    );
    return res.id ?? res.ID;
  }

  async listServices(): Promise<{ id: string; name: string }[]> {
    const services: any[] = await this.calls.call('list services', () => this.api.listServices({}));
    return services.map((s) => ({ id: String(s.ID), name: String(s.Spec?.Name ?? '') }));
  }

  async tasks(serviceId: string): Promise<TaskInfo[]> {
    const tasks: any[] = await this.calls.call(`list tasks of ${serviceId}`, () =>
      this.api.listTasks({ filters: { service: [serviceId] } }),
    );
    return tasks.map(toTaskInfo).sort((a, b) => a.slot - b.slot || a.createdAt.localeCompare(b.createdAt));
  }

  /** Follows (or reads) a service's or a task's output, demultiplexed into lines. */
  async *logs(
    kind: 'service' | 'task',
    id: string,
    opts: { follow: boolean; tail?: number; signal?: AbortSignal },
  ): AsyncGenerator<LogLine> {
    const target: any = kind === 'service' ? this.docker.getService(id) : this.docker.getTask(id);
    const stream: any = await this.calls.call(`read logs of ${kind} ${id}`, () =>
      target.logs({ follow: opts.follow, stdout: true, stderr: true, tail: opts.tail ?? 'all' }),
    );
    if (Buffer.isBuffer(stream) || typeof stream === 'string') {
      yield* demuxLines(
        (async function* () {
          yield stream as Buffer;
        })(),
      );
      return;
    }
    const onAbort = () => stream.destroy();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* demuxLines(stream);
    } catch (e) {
      if (!opts.signal?.aborted) throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      stream.destroy();
    }
  }

  /** Streams a path out of a container as a tar archive (node-local: the container must be on our node). */
  async stopContainer(containerId: string, graceSeconds: number): Promise<void> {
    try {
      await this.calls.call(`stop container ${containerId.slice(0, 12)}`, () =>
        this.docker.getContainer(containerId).stop({ t: graceSeconds }),
      );
    } catch (e) {
      // 304: already stopped.
      if (!(isAtqError(e) && e.details.status === 304)) throw e;
    }
  }

  async getArchive(containerId: string, path: string): Promise<NodeJS.ReadableStream> {
    return this.calls.call(`copy ${path} out of container ${containerId.slice(0, 12)}`, () =>
      this.docker.getContainer(containerId).getArchive({ path }),
    );
  }

  /** Every object carrying `label` (e.g. "atq.run" or "atq.run=<id>"). */
  async listLabelled(label: string): Promise<LabelledObject[]> {
    const filters = { label: [label] };
    const [services, networks, configs, secrets, containers] = (await Promise.all([
      this.calls.call('list services', () => this.api.listServices({ filters })),
      this.calls.call('list networks', () => this.api.listNetworks({ filters })),
      this.calls.call('list configs', () => this.api.listConfigs({ filters })),
      this.calls.call('list secrets', () => this.api.listSecrets({ filters })),
      this.calls.call('list containers', () => this.api.listContainers({ all: true, filters })),
    ])) as any[][] as [any[], any[], any[], any[], any[]];
    const swarmObject = (kind: ObjectKind) => (o: any) => ({
      kind,
      id: o.ID,
      name: o.Spec?.Name ?? '',
      labels: o.Spec?.Labels ?? {},
      createdAt: o.CreatedAt,
      updatedAt: o.UpdatedAt,
    });
    return [
      ...services.map(swarmObject('service')),
      ...containers.map((c: any) => ({
        kind: 'container' as const,
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        labels: c.Labels ?? {},
        createdAt: new Date(c.Created * 1000).toISOString(),
      })),
      ...configs.map(swarmObject('config')),
      ...secrets.map(swarmObject('secret')),
      ...networks.map((n: any) => ({
        kind: 'network' as const,
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        createdAt: n.Created,
      })),
    ];
  }

  /** Removes one object; true when it is gone (including "was already gone"). */
  async remove(kind: ObjectKind, id: string): Promise<boolean> {
    const d = this.docker;
    // "Already gone" counts as removed.
    await this.calls.call(
      `remove ${kind} ${id}`,
      async () => {
        if (kind === 'service') await d.getService(id).remove();
        else if (kind === 'container') await d.getContainer(id).remove({ force: true, v: true });
        else if (kind === 'config') await d.getConfig(id).remove();
        else if (kind === 'secret') await d.getSecret(id).remove();
        else await d.getNetwork(id).remove();
      },
      MISSING,
    );
    return true;
  }
}

/** Docker's task JSON as our TaskInfo. Exported for the tests that feed it a task as Docker reports it. */
export function toTaskInfo(t: any): TaskInfo {
  const addresses: Record<string, string> = {};
  for (const att of t.NetworksAttachments ?? []) {
    const addr: string | undefined = att.Addresses?.[0];
    if (addr && att.Network?.ID) addresses[att.Network.ID] = addr.split('/')[0] as string;
  }
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    slot: t.Slot ?? 0,
    nodeId: t.NodeID ?? '',
    state: (t.Status?.State ?? 'new') as TaskState,
    desiredState: t.DesiredState ?? '',
    message: t.Status?.Message ?? '',
    error: t.Status?.Err ?? '',
    // A task Docker rejected (no such image) reports ExitCode 0 for the container it never created.
    exitCode: t.Status?.ContainerStatus?.ContainerID ? t.Status.ContainerStatus.ExitCode : undefined,
    containerId: t.Status?.ContainerStatus?.ContainerID || undefined,
    addresses,
    createdAt: t.CreatedAt ?? '',
  };
}

/**
 * docker-modem reads DOCKER_HOST, DOCKER_CERT_PATH … itself as its defaults, before our options override them,
 * and with a tcp:// DOCKER_HOST it reads $DOCKER_CERT_PATH/*.pem from disk: a folder without them threw a
 * raw ENOENT even when the connection had been given otherwise (flags, a unix socket). The connection is
 * resolved once, by us (connection.ts), so the constructor runs without those variables (synchronously: no
 * other code sees the environment without them).
 */
function withoutDockerEnv<T>(make: () => T): T {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DOCKER_')));
  for (const k of Object.keys(saved)) delete process.env[k];
  try {
    return make();
  } finally {
    Object.assign(process.env, saved);
  }
}
