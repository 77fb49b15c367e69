import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../core/events.js';
import type { TaskView } from './store.js';

/** What a task's event stream carries: the run's own events, its status changes, and its end. */
export type TaskEvent =
  { kind: 'run'; event: RunEvent } | { kind: 'status'; task: TaskView } | { kind: 'end'; task: TaskView };

export interface Numbered {
  id: number;
  at: string;
  data: TaskEvent;
}

type Subscriber = (e: Numbered) => void;

interface Channel {
  /** The newest events (up to TAIL); older ones are read back from the file when a client asks. */
  events: Numbered[];
  last: number;
  subscribers: Set<Subscriber>;
}

/** Events kept in memory per task: a chatty tool must not grow the server without bound. */
const TAIL = 2000;

/**
 * Every task's events, numbered, kept in memory while the task is queued or running and appended to
 * <data>/tasks/<id>/events.ndjson, so a client that connects late (or reconnects with Last-Event-ID, or
 * asks after a restart) gets the whole story before the live part.
 */
export class EventHub {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly dataDir: string) {}

  private file(taskId: string): string {
    return path.join(this.dataDir, 'tasks', taskId, 'events.ndjson');
  }

  private channel(taskId: string): Channel {
    let c = this.channels.get(taskId);
    if (!c) {
      const stored = this.stored(taskId);
      c = { events: stored.slice(-TAIL), last: stored.at(-1)?.id ?? 0, subscribers: new Set() };
      mkdirSync(path.dirname(this.file(taskId)), { recursive: true });
      this.channels.set(taskId, c);
    }
    return c;
  }

  publish(taskId: string, data: TaskEvent): void {
    const c = this.channel(taskId);
    const e: Numbered = { id: ++c.last, at: new Date().toISOString(), data };
    c.events.push(e);
    if (c.events.length > TAIL) c.events.splice(0, c.events.length - TAIL);
    appendFileSync(this.file(taskId), JSON.stringify(e) + '\n');
    for (const s of c.subscribers) s(e);
    // An ended task's stream is complete on disk; its memory can go.
    if (data.kind === 'end') {
      for (const s of c.subscribers) c.subscribers.delete(s);
      this.channels.delete(taskId);
    }
  }

  /**
   * The events after `after`, then every new one until the task ends. Returns the replay and an
   * unsubscribe function (undefined when the task has ended: the replay is all there is). `ended` comes
   * from the store: a queued task has no events yet after a restart, yet it will.
   */
  subscribe(
    taskId: string,
    after: number,
    live: Subscriber,
    ended: boolean,
  ): { replay: Numbered[]; stop?: () => void } {
    if (ended && !this.channels.has(taskId))
      return { replay: this.stored(taskId).filter((e) => e.id > after) };
    const c = this.channel(taskId);
    const inMemory = (c.events[0]?.id ?? c.last + 1) <= after + 1;
    const replay = (inMemory ? c.events : this.stored(taskId)).filter((e) => e.id > after);
    if (replay.some((e) => e.data.kind === 'end')) return { replay };
    c.subscribers.add(live);
    return { replay, stop: () => c.subscribers.delete(live) };
  }

  /** The id of the last event a task has had (0 for none). */
  lastId(taskId: string): number {
    return this.channels.get(taskId)?.last ?? this.stored(taskId).at(-1)?.id ?? 0;
  }

  private stored(taskId: string): Numbered[] {
    let text: string;
    try {
      text = readFileSync(this.file(taskId), 'utf8');
    } catch {
      return [];
    }
    const events: Numbered[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as Numbered);
      } catch {
        // a line cut by a crash mid-write: the events before it are still good
      }
    }
    return events;
  }
}
