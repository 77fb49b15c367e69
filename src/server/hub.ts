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
  events: Numbered[];
  subscribers: Set<Subscriber>;
}

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
      c = { events: this.stored(taskId), subscribers: new Set() };
      this.channels.set(taskId, c);
    }
    return c;
  }

  publish(taskId: string, data: TaskEvent): void {
    const c = this.channel(taskId);
    const e: Numbered = { id: (c.events.at(-1)?.id ?? 0) + 1, at: new Date().toISOString(), data };
    c.events.push(e);
    const file = this.file(taskId);
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, JSON.stringify(e) + '\n');
    for (const s of c.subscribers) s(e);
    // An ended task's stream is complete on disk; its memory can go.
    if (data.kind === 'end') {
      for (const s of c.subscribers) c.subscribers.delete(s);
      this.channels.delete(taskId);
    }
  }

  /**
   * The events after `after`, then every new one until the task ends. Returns the replay and an
   * unsubscribe function (undefined when the task has ended: the replay is all there is).
   */
  subscribe(taskId: string, after: number, live: Subscriber): { replay: Numbered[]; stop?: () => void } {
    const active = this.channels.get(taskId);
    const events = active ? active.events : this.stored(taskId);
    const replay = events.filter((e) => e.id > after);
    if (!active || replay.some((e) => e.data.kind === 'end')) return { replay };
    active.subscribers.add(live);
    return { replay, stop: () => active.subscribers.delete(live) };
  }

  /** Memory for a task that will get no more events (e.g. a queued task cancelled before it started). */
  forget(taskId: string): void {
    this.channels.delete(taskId);
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
