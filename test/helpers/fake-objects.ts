import type { LabelledObject, Labels, ObjectKind } from '../../src/swarm/types.js';
import { httpError } from './fake-errors.js';
import type { FakeSwarm } from './fake-swarm.js';
import type { FakeService } from './fake-tasks.js';

/** What every stored swarm object has. */
export interface Stored {
  id: string;
  name: string;
  labels: Labels;
  createdAt: string;
  updatedAt?: string;
}

/**
 * Objects carrying `label` ("key" or "key=value") as the Engine API's list calls return them; containers as
 * the manager's own API lists them (its node's only), or with `everyNode` all of them (for assertions).
 */
export function labelled(swarm: FakeSwarm, label: string, everyNode = false): LabelledObject[] {
  const [key, value] = label.split(/=(.*)/s) as [string, string | undefined];
  const match = (l: Labels) => (value === undefined ? key in l : l[key] === value);
  const swarmObject = (kind: ObjectKind) => (o: Stored) => ({
    kind,
    id: o.id,
    name: o.name,
    labels: { ...o.labels },
    createdAt: o.createdAt,
    ...(o.updatedAt ? { updatedAt: o.updatedAt } : {}),
  });
  return [
    ...[...swarm.services.values()]
      .filter((s) => match(s.spec.labels))
      .map((s) => swarmObject('service')({ ...s, labels: s.spec.labels })),
    ...[...swarm.containers.values()]
      .filter((c) => (everyNode || swarm.local(c.id)) && match(c.labels))
      .map((c) => ({
        kind: 'container' as const,
        id: c.id,
        name: c.name,
        labels: { ...c.labels },
        createdAt: c.createdAt,
      })),
    ...[...swarm.configs.values()].filter((c) => match(c.labels)).map(swarmObject('config')),
    ...[...swarm.secrets.values()].filter((s) => match(s.labels)).map(swarmObject('secret')),
    ...[...swarm.networks.values()].filter((n) => match(n.labels)).map(swarmObject('network')),
  ];
}

/**
 * Removes one object as the engine does: a service at once (its containers stop and go a moment later),
 * a container (force), and a network, config or secret only when nothing uses it any more ("in use").
 */
export function removeObject(swarm: FakeSwarm, kind: ObjectKind, id: string): void {
  const inUse = (what: string, by: string[]) => {
    if (!by.length) return;
    swarm.refusedInUse.push({ kind, name: what });
    throw httpError(
      400,
      `rpc error: code = InvalidArgument desc = ${kind} '${what}' is in use by: ${by.join(', ')}`,
    );
  };
  const services = [...swarm.services.values()];
  let name: string;
  if (kind === 'service') {
    const svc = swarm.services.get(id);
    if (!svc) throw httpError(404, `service ${id} not found`);
    swarm.services.delete(id);
    for (const t of svc.tasks) t.container?.stop(swarm.containerLingerMs);
    name = svc.name;
  } else if (kind === 'container') {
    const c = swarm.local(id);
    if (!c) throw httpError(404, `No such container: ${id}`);
    c.stop(0);
    name = c.name;
  } else if (kind === 'network') {
    const n = swarm.networks.get(id);
    if (!n) throw httpError(404, `network ${id} not found`);
    const containers = [...swarm.containers.values()].filter((c) => c.networks.includes(id));
    inUse(n.name, [
      ...services.filter((s) => s.spec.networks.includes(id)).map((s) => s.name),
      ...containers.map((c) => c.name),
    ]);
    swarm.networks.delete(id);
    name = n.name;
  } else {
    const store = kind === 'config' ? swarm.configs : swarm.secrets;
    const b = store.get(id);
    if (!b) throw httpError(404, `${kind} ${id} not found`);
    const mounts = (s: FakeService) => (kind === 'config' ? s.spec.configs : s.spec.secrets);
    inUse(
      b.name,
      services.filter((s) => mounts(s).some((m) => m.id === id)).map((s) => s.name),
    );
    store.delete(id);
    name = b.name;
  }
  swarm.removed.push({ kind, name });
}
