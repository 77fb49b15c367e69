import type { LogLine } from './demux.js';
import type {
  ConfigInfo,
  EngineInfo,
  LabelledObject,
  Labels,
  NetworkInfo,
  NodeInfo,
  ObjectKind,
  ServiceSpecInput,
  TaskInfo,
} from './types.js';

/**
 * What the core asks of a swarm: the seam between the run lifecycle and Docker. DockerSwarmClient (client.ts)
 * is the one implementation that talks to an engine; the lifecycle's unit tests hand the core an in-memory
 * swarm instead (test/helpers/fake-swarm.ts), so that its failure paths test in milliseconds.
 *
 * Every failure is an AtqError (calls.ts): DOCKER_CONNECT when the engine gave no answer (unreachableSince
 * then says since when), DOCKER_API when it answered with a refusal (details.status; 404 is "no such object").
 */
export interface SwarmClient {
  /** The engine's address as the user gave it (for messages and the cleanup command). */
  readonly url: string;
  /** Epoch ms since which every call failed to reach the engine, or undefined while it answers. */
  readonly unreachableSince: number | undefined;

  info(): Promise<EngineInfo>;
  nodes(): Promise<NodeInfo[]>;

  /** An overlay network; resolves once the swarm has given it a subnet (or after 15 s without one). */
  createNetwork(name: string, labels: Labels, encrypted: boolean): Promise<NetworkInfo>;
  inspectNetwork(idOrName: string): Promise<NetworkInfo | undefined>;

  createConfig(name: string, data: Buffer, labels: Labels): Promise<string>;
  /** A config's labels and when the swarm last changed it (its manager's clock), or undefined if gone. */
  inspectConfig(id: string): Promise<ConfigInfo | undefined>;
  /** Replaces a config's labels (the swarm stamps UpdatedAt: a lease's heartbeat); false when it is gone. */
  setConfigLabels(id: string, labels: Labels): Promise<boolean>;
  createSecret(name: string, data: Buffer, labels: Labels): Promise<string>;

  createService(spec: ServiceSpecInput): Promise<string>;
  /** Every service on the swarm, by id and name (--monitor resolves its names and globs against them). */
  listServices(): Promise<{ id: string; name: string }[]>;
  /** A service's tasks (none once it is removed), by slot, oldest first within a slot. */
  tasks(serviceId: string): Promise<TaskInfo[]>;
  /**
   * A service's or a task's output as lines. With `follow` the lines keep coming until `signal` aborts
   * (then it ends quietly); a stream the engine breaks off throws.
   */
  logs(
    kind: 'service' | 'task',
    id: string,
    opts: { follow: boolean; tail?: number; signal?: AbortSignal },
  ): AsyncGenerator<LogLine>;

  /** Runs a command in a running container on our node; gives up waiting after `timeoutMs` (exitCode undefined). */
  exec(
    containerId: string,
    command: string[],
    timeoutMs: number,
  ): Promise<{ exitCode?: number; output: string }>;
  /**
   * Stops a container on our node as `docker stop` does: SIGTERM, SIGKILL after `graceSeconds`. The container
   * (and its files) stays until its service is removed; one already stopped is fine.
   */
  stopContainer(containerId: string, graceSeconds: number): Promise<void>;
  /** A path of a container on our node as a tar archive (entries start with the path's last name). */
  getArchive(containerId: string, path: string): Promise<NodeJS.ReadableStream>;

  /** Every object carrying `label` ("atq.run" or "atq.run=<id>"): services, containers, configs, secrets, networks. */
  listLabelled(label: string): Promise<LabelledObject[]>;
  /** Removes one object; true when it is gone (including "was already gone"). */
  remove(kind: ObjectKind, id: string): Promise<boolean>;
}
