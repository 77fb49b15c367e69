/** Our own view of the Swarm objects the core works with: small, typed, independent of dockerode. */
export type Labels = Record<string, string>;

export type TaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

/** States from which a task never comes back. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set([
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);

export interface TaskInfo {
  id: string;
  serviceId: string;
  slot: number;
  nodeId: string;
  state: TaskState;
  desiredState: string;
  message: string;
  error: string;
  exitCode?: number;
  containerId?: string;
  /** network id -> address (no prefix length) */
  addresses: Record<string, string>;
  createdAt: string;
}

export interface ServiceSpecInput {
  name: string;
  image: string;
  labels: Labels;
  /** Replaces the image's ENTRYPOINT and CMD; empty keeps them. */
  command: string[];
  /** Replaces only the image's CMD (arguments for its ENTRYPOINT), as `docker service create IMAGE ARGS` does. */
  args?: string[];
  env: Record<string, string>;
  /** Replica count; ignored with `global`. */
  replicas: number;
  /** One task on every node (doctor's image probe). */
  global?: boolean;
  networks: string[];
  configs: { id: string; name: string; target: string }[];
  secrets: { id: string; name: string; target: string }[];
  hostname?: string;
  /** Host paths of each node bound into the container (--monitor's read-only cgroup tree). */
  mounts?: { source: string; target: string; readOnly: boolean }[];
  /** e.g. ["node.id==abc"] */
  constraints?: string[];
  /**
   * What each task reserves (Swarm places it only on a node with this much unreserved) and may use at
   * most: --worker-cpus / --worker-memory. A client's own limits (ServiceLimits) still cap it.
   */
  resources?: ServiceLimits;
}

/** CPU and memory limits for every container of every service a client creates (an ATQ server's caps). */
export interface ServiceLimits {
  /** CPUs (e.g. 2, 0.5). */
  cpus?: number;
  memoryBytes?: number;
}

export interface NetworkInfo {
  id: string;
  name: string;
  scope: string;
  driver: string;
  attachable: boolean;
  subnet?: string;
}

export interface EngineInfo {
  nodeId: string;
  nodeAddr: string;
  localNodeState: string;
  isManager: boolean;
  serverVersion: string;
  apiVersion: string;
  nodes: number;
  /** The engine's clock (epoch ms): leases are judged by the swarm's time, not the caller's. */
  systemTime: number;
}

export interface ConfigInfo {
  id: string;
  name: string;
  labels: Labels;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NodeInfo {
  id: string;
  hostname: string;
  role: string;
  state: string;
  availability: string;
  addr: string;
  engineVersion: string;
  /** NanoCPUs / 1e9 as the node reports them (0 when unknown). */
  cpus: number;
  memoryBytes: number;
}

export type ObjectKind = 'service' | 'container' | 'config' | 'secret' | 'network';

export interface LabelledObject {
  kind: ObjectKind;
  id: string;
  name: string;
  labels: Labels;
  createdAt?: string;
  /** Swarm objects only: when the swarm last changed it (a lease's heartbeat). */
  updatedAt?: string;
}
