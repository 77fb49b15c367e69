import {
  appendFileSync,
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
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
  /** Lines not yet appended to the file (written in batches, see flush). */
  pending: string[];
  pendingBytes: number;
  timer?: NodeJS.Timeout;
  /** Bytes of the events file, written or pending. */
  bytes: number;
  /** Container output lines it may still pass this second (a token bucket), and when it was refilled. */
  allowance: number;
  refilled: number;
  said: { thinned?: boolean; full?: boolean };
}

/** Bounds on what one task's output costs the server (issue 20): a chatty or hostile tool cannot exhaust it. */
export const EVENT_LIMITS = {
  /** Events kept in memory per task. */
  tail: 2000,
  /** One output line in the stream, in characters (the whole line is in the results' logs/). */
  lineChars: 8 * 1024,
  /** Container output lines per second per task, after a burst of `burst`. */
  linesPerSecond: 200,
  burst: 1000,
  /** The events file per task: past it, container output and progress are no longer recorded. */
  fileBytes: 64 * 1024 * 1024,
  /** Pending lines are appended at most this often, or once this many bytes wait. */
  flushMs: 100,
  flushBytes: 64 * 1024,
};

/**
 * Every task's events, numbered, kept in memory while the task is queued or running and appended to
 * <data>/tasks/<id>/events.ndjson, so a client that connects late (or reconnects with Last-Event-ID, or
 * asks after a restart) gets the whole story before the live part. Container output is bounded: lines are
 * cut, thinned past a rate and no longer recorded past a size, each said once in the stream itself.
 */
export class EventHub {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly dataDir: string,
    private readonly limits = EVENT_LIMITS,
  ) {}

  private file(taskId: string): string {
    return path.join(this.dataDir, 'tasks', taskId, 'events.ndjson');
  }

  private channel(taskId: string): Channel {
    let c = this.channels.get(taskId);
    if (!c) {
      const file = this.file(taskId);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const bytes = sizeOf(file);
      c = {
        events: [],
        last: lastStoredId(file, bytes),
        subscribers: new Set(),
        pending: [],
        pendingBytes: 0,
        bytes,
        allowance: this.limits.burst,
        refilled: Date.now(),
        said: {},
      };
      this.channels.set(taskId, c);
    }
    return c;
  }

  publish(taskId: string, data: TaskEvent): void {
    const c = this.channel(taskId);
    const kept = this.admit(taskId, c, data);
    if (!kept) return;
    const e: Numbered = { id: ++c.last, at: new Date().toISOString(), data: kept };
    c.events.push(e);
    if (c.events.length > this.limits.tail) c.events.splice(0, c.events.length - this.limits.tail);
    const line = JSON.stringify(e) + '\n';
    c.pending.push(line);
    c.pendingBytes += Buffer.byteLength(line);
    c.bytes += Buffer.byteLength(line);
    if (data.kind === 'end' || c.pendingBytes >= this.limits.flushBytes) this.flush(taskId, c);
    else c.timer ??= setTimeout(() => this.flush(taskId, c), this.limits.flushMs).unref();
    for (const s of c.subscribers) s(e);
    // An ended task's stream is complete on disk; its memory can go.
    if (data.kind === 'end') {
      c.subscribers.clear();
      this.channels.delete(taskId);
    }
  }

  /** The event as it may be kept (a long line cut), or undefined when it is dropped (said once). */
  private admit(taskId: string, c: Channel, data: TaskEvent): TaskEvent | undefined {
    if (data.kind !== 'run') return data;
    const { type } = data.event;
    if (type !== 'output' && type !== 'progress' && type !== 'live') return data;
    if (c.bytes >= this.limits.fileBytes) {
      if (!c.said.full) {
        c.said.full = true;
        this.notice(
          taskId,
          `the task's event log reached ${this.limits.fileBytes} bytes: container output, progress and live statistics are no longer recorded here (the results' logs/ have the output)`,
        );
      }
      return undefined;
    }
    if (data.event.type !== 'output') return data;
    const now = Date.now();
    c.allowance = Math.min(
      this.limits.burst,
      c.allowance + ((now - c.refilled) / 1000) * this.limits.linesPerSecond,
    );
    c.refilled = now;
    if (c.allowance < 1) {
      if (!c.said.thinned) {
        c.said.thinned = true;
        this.notice(
          taskId,
          `container output comes faster than ${this.limits.linesPerSecond} lines a second: lines are skipped here (the results' logs/ have them all)`,
        );
      }
      return undefined;
    }
    c.allowance -= 1;
    const { line } = data.event;
    if (line.length <= this.limits.lineChars) return data;
    return { kind: 'run', event: { ...data.event, line: `${line.slice(0, this.limits.lineChars)} … (cut)` } };
  }

  private notice(taskId: string, message: string): void {
    this.publish(taskId, { kind: 'run', event: { type: 'log', level: 'warn', message } });
  }

  /** Appends what waits to the file: one write per batch, not one per line. */
  private flush(taskId: string, c: Channel): void {
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    if (!c.pending.length) return;
    const text = c.pending.join('');
    c.pending = [];
    c.pendingBytes = 0;
    appendFileSync(this.file(taskId), text, { mode: 0o600 });
  }

  /**
   * The events after `after`, then every new one until the task ends. Returns the replay (streamed from
   * the file when the client asks for more than memory holds) and an unsubscribe function (undefined when
   * the task has ended: the replay is all there is). `ended` comes from the store: a queued task has no
   * events yet after a restart, yet it will. Live events that arrive while the replay is read come after it.
   */
  subscribe(
    taskId: string,
    after: number,
    live: Subscriber,
    ended: boolean,
  ): { replay: AsyncIterable<Numbered>; stop?: () => void } {
    if (ended && !this.channels.has(taskId)) return { replay: this.stored(taskId, after) };
    const c = this.channel(taskId);
    this.flush(taskId, c);
    const inMemory = (c.events[0]?.id ?? c.last + 1) <= after + 1;
    const upTo = c.last;
    const replay = inMemory
      ? fromArray(c.events.filter((e) => e.id > after))
      : this.stored(taskId, after, upTo);
    c.subscribers.add(live);
    return { replay, stop: () => c.subscribers.delete(live) };
  }

  /** The id of the last event a task has had (0 for none). */
  lastId(taskId: string): number {
    const c = this.channels.get(taskId);
    if (c) return c.last;
    const file = this.file(taskId);
    return lastStoredId(file, sizeOf(file));
  }

  /** The stored events after `after` (and up to `upTo`), read line by line. */
  private async *stored(taskId: string, after: number, upTo = Infinity): AsyncGenerator<Numbered> {
    const input = createReadStream(this.file(taskId));
    const opened = await new Promise<boolean>((resolve) => {
      input.once('open', () => resolve(true));
      input.once('error', () => resolve(false));
    });
    if (!opened) return;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const e = parse(line);
      if (!e || e.id <= after) continue;
      if (e.id > upTo) break;
      yield e;
    }
    input.destroy();
  }
}

async function* fromArray(events: Numbered[]): AsyncGenerator<Numbered> {
  yield* events;
}

function parse(line: string): Numbered | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as Numbered;
  } catch {
    // a line cut by a crash mid-write: the events before it are still good
    return undefined;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The id of the file's last whole event, read from its end (a larger window only for a very long line). */
function lastStoredId(file: string, size: number): number {
  if (!size) return 0;
  const fd = openSync(file, 'r');
  try {
    for (let length = Math.min(size, 64 * 1024); ; length = Math.min(size, length * 4)) {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n');
      // The first line of a window that does not start the file may be cut: it is not read.
      for (let i = lines.length - 1; i >= (length < size ? 1 : 0); i--) {
        const e = parse(lines[i] as string);
        if (e) return e.id;
      }
      if (length === size) return 0;
    }
  } finally {
    closeSync(fd);
  }
}
