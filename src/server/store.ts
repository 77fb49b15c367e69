import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { AtqError } from '../errors.js';
import { loadSqlite } from './sqlite.js';

/** Every status a task can have, in the order a task goes through them. */
export const TASK_STATUSES = [
  'queued',
  'starting',
  'running',
  'collecting',
  'finished',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const ACTIVE: ReadonlySet<TaskStatus> = new Set(['starting', 'running', 'collecting']);
export const ENDED: ReadonlySet<TaskStatus> = new Set(['finished', 'failed', 'cancelled']);

/** One task as the API shows it (position is computed, not stored). */
export interface TaskRecord {
  id: string;
  /** Arrival order: the queue is FIFO on it. */
  seq: number;
  name?: string;
  kind: 'atq' | 'seed';
  status: TaskStatus;
  /** The token's name that submitted it ("local" without tokens). */
  owner: string;
  /** The request body as accepted (validated again when the task starts). */
  payload: Record<string, unknown>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The run id on the swarm (label atq.run), set when the task starts. */
  runId?: string;
  /** Where the task's results are, on the server. */
  outDir?: string;
  verdict?: string;
  error?: { code: string; message: string };
  stages: Record<string, number>;
  progress?: string;
  scheduleId?: string;
  /** Auto-stop ended the run early (run.json's autoStop): the criterion and what it saw. */
  autoStop?: { criterion: string; message: string };
  /** A load generator was saturated (run.json's unreliable): the latencies may be the generator's. */
  unreliable?: { reasons: string[]; workers: string[] };
}

/**
 * A task as the API answers it: the record without the server's own paths, and its place in the queue
 * (0 once it has started).
 */
export type TaskView = Omit<TaskRecord, 'outDir'> & { position: number };

export interface ScheduleRecord {
  id: string;
  cron: string;
  name?: string;
  owner: string;
  payload: Record<string, unknown>;
  createdAt: string;
  nextRun?: string;
  lastTaskId?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,
  owner TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
  run_id TEXT, out_dir TEXT, verdict TEXT, error TEXT, stages TEXT NOT NULL DEFAULT '{}', progress TEXT,
  schedule_id TEXT);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(status, seq);
CREATE INDEX IF NOT EXISTS tasks_history ON tasks(owner, name, status);
CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY, cron TEXT NOT NULL, name TEXT, owner TEXT NOT NULL, payload TEXT NOT NULL,
  created_at TEXT NOT NULL, next_run TEXT, last_task TEXT);
`;

/** Task columns added since the first release, with their types. */
const ADDED_COLUMNS = { results_bytes: 'INTEGER', auto_stop: 'TEXT', unreliable: 'TEXT' };

type Row = Record<string, string | number | null>;

/** SQLITE_BUSY (5), also in its extended forms: node:sqlite's errors carry SQLite's code as errcode. */
const isBusy = (e: unknown) => ((e as { errcode?: number }).errcode ?? 0) % 256 === 5;
const opt = (v: string | number | null | undefined) =>
  v === null || v === undefined ? undefined : String(v);

function taskFrom(r: Row): TaskRecord {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    name: opt(r.name),
    kind: r.kind === 'seed' ? 'seed' : 'atq',
    status: r.status as TaskStatus,
    owner: String(r.owner),
    payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
    createdAt: String(r.created_at),
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
    runId: opt(r.run_id),
    outDir: opt(r.out_dir),
    verdict: opt(r.verdict),
    error: r.error ? (JSON.parse(String(r.error)) as TaskRecord['error']) : undefined,
    stages: JSON.parse(String(r.stages ?? '{}')) as Record<string, number>,
    progress: opt(r.progress),
    scheduleId: opt(r.schedule_id),
    autoStop: r.auto_stop ? (JSON.parse(String(r.auto_stop)) as TaskRecord['autoStop']) : undefined,
    unreliable: r.unreliable ? (JSON.parse(String(r.unreliable)) as TaskRecord['unreliable']) : undefined,
  };
}

function scheduleFrom(r: Row): ScheduleRecord {
  return {
    id: String(r.id),
    cron: String(r.cron),
    name: opt(r.name),
    owner: String(r.owner),
    payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
    createdAt: String(r.created_at),
    nextRun: opt(r.next_run),
    lastTaskId: opt(r.last_task),
  };
}

/** Which task columns an update may set, by field name. */
const COLUMNS: Partial<Record<keyof TaskRecord, string>> = {
  status: 'status',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  runId: 'run_id',
  outDir: 'out_dir',
  verdict: 'verdict',
  error: 'error',
  stages: 'stages',
  progress: 'progress',
  autoStop: 'auto_stop',
  unreliable: 'unreliable',
};

/** Which earlier tasks form a history (src/server/history.ts). */
export interface HistoryFilter {
  owner: string;
  name: string;
  /** Only tasks whose client claimed this source ref. */
  ref?: string;
  limit: number;
  offset: number;
}

export interface TaskFilter {
  status?: TaskStatus[];
  owner?: string;
  scheduleId?: string;
  limit: number;
  offset: number;
}

/**
 * The queue's state in SQLite (one file under --data), so queued tasks survive a restart and a task
 * that was running when the server stopped can be found and failed. Synchronous on purpose: every
 * change is one small statement, and the queue's decisions must not interleave.
 */
export class Store {
  private constructor(private readonly db: DatabaseSync) {
    // A second opener waits this long for the lock, then fails with SQLITE_BUSY (see open()).
    this.db.exec('PRAGMA busy_timeout = 1000');
    // One server per data folder: a second one would fail the first one's running tasks as "interrupted"
    // and sweep their objects. The exclusive lock is taken by the first write and held until close().
    this.db.exec('PRAGMA locking_mode = EXCLUSIVE');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(SCHEMA);
    // Added after the first release: a data folder from before gets the columns (its old tasks count 0 bytes
    // and were neither auto-stopped nor judged unreliable).
    const columns = new Set((this.db.prepare('PRAGMA table_info(tasks)').all() as Row[]).map((c) => c.name));
    for (const [name, type] of Object.entries(ADDED_COLUMNS))
      if (!columns.has(name)) this.db.exec(`ALTER TABLE tasks ADD COLUMN ${name} ${type}`);
  }

  static async open(dataDir: string): Promise<Store> {
    const { DatabaseSync } = await loadSqlite();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Uploads, results and events are the teams' files: no other user of the machine reads them.
    chmodSync(dataDir, 0o700);
    const db = new DatabaseSync(path.join(dataDir, 'atq.sqlite'));
    try {
      return new Store(db);
    } catch (e) {
      db.close();
      if (!isBusy(e)) throw e;
      throw new AtqError(
        'CONFIG_INVALID',
        `Another atq serve is using the data folder ${dataDir}. Stop it first, or give this one its own --data.`,
        { dataDir },
      );
    }
  }

  close(): void {
    this.db.close();
  }

  insertTask(t: Omit<TaskRecord, 'seq' | 'stages'>): TaskRecord {
    const seq = Number((this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM tasks').get() as Row).n);
    this.db
      .prepare(
        `INSERT INTO tasks (id, seq, name, kind, status, owner, payload, created_at, schedule_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.id,
        seq,
        t.name ?? null,
        t.kind,
        t.status,
        t.owner,
        JSON.stringify(t.payload),
        t.createdAt,
        t.scheduleId ?? null,
      );
    return this.task(t.id) as TaskRecord;
  }

  task(id: string): TaskRecord | undefined {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return row && taskFrom(row);
  }

  updateTask(id: string, changes: Partial<TaskRecord>): void {
    const sets: string[] = [];
    const values: (string | null)[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const column = COLUMNS[key as keyof TaskRecord];
      if (!column) throw new Error(`task field ${key} cannot be updated`);
      sets.push(`${column} = ?`);
      values.push(
        value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value),
      );
    }
    if (sets.length) this.db.prepare(`UPDATE tasks SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  tasks(filter: TaskFilter): { tasks: TaskRecord[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      args.push(...filter.status);
    }
    for (const [column, value] of [
      ['owner', filter.owner],
      ['schedule_id', filter.scheduleId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number(
      (this.db.prepare(`SELECT COUNT(*) AS n FROM tasks ${clause}`).get(...args) as Row).n,
    );
    const rows = this.db
      .prepare(`SELECT * FROM tasks ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, filter.limit, filter.offset) as Row[];
    return { tasks: rows.map(taskFrom), total };
  }

  /**
   * ATQ-form tasks of this owner and name that finished without a failed verdict, newest first: the runs a
   * later task of that name is judged against (a run whose gates failed is a regression, not a baseline).
   */
  finishedRuns(f: HistoryFilter): TaskRecord[] {
    const ref = f.ref === undefined ? '' : `AND json_extract(payload, '$.source.ref') = ?`;
    const rows = this.db
      .prepare(
        `SELECT * FROM tasks WHERE owner = ? AND name = ? AND kind = 'atq' AND status = 'finished'
         AND (verdict IS NULL OR verdict != 'failed') ${ref}
         ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?`,
      )
      .all(f.owner, f.name, ...(f.ref === undefined ? [] : [f.ref]), f.limit, f.offset) as Row[];
    return rows.map(taskFrom);
  }

  /** Queued tasks, first in line first. */
  queued(): TaskRecord[] {
    return (this.db.prepare(`SELECT * FROM tasks WHERE status = 'queued' ORDER BY seq`).all() as Row[]).map(
      taskFrom,
    );
  }

  /** Tasks that were starting, running or collecting: after a restart, none of them is really running. */
  active(): TaskRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM tasks WHERE status IN ('starting', 'running', 'collecting') ORDER BY seq`)
        .all() as Row[]
    ).map(taskFrom);
  }

  insertSchedule(s: ScheduleRecord): void {
    this.db
      .prepare(
        `INSERT INTO schedules (id, cron, name, owner, payload, created_at, next_run) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.cron, s.name ?? null, s.owner, JSON.stringify(s.payload), s.createdAt, s.nextRun ?? null);
  }

  schedules(): ScheduleRecord[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY created_at').all() as Row[]).map(scheduleFrom);
  }

  schedule(id: string): ScheduleRecord | undefined {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as Row | undefined;
    return row && scheduleFrom(row);
  }

  updateSchedule(id: string, nextRun: string | undefined, lastTaskId?: string): void {
    this.db
      .prepare('UPDATE schedules SET next_run = ?, last_task = COALESCE(?, last_task) WHERE id = ?')
      .run(nextRun ?? null, lastTaskId ?? null, id);
  }

  /** Bytes of results a task keeps on the server (measured when it ends). */
  setResultsBytes(id: string, bytes: number): void {
    this.db.prepare('UPDATE tasks SET results_bytes = ? WHERE id = ?').run(bytes, id);
  }

  /** Bytes of results the owner's tasks keep on the server (--max-stored). */
  storedBytes(owner: string): number {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(results_bytes), 0) AS n FROM tasks WHERE owner = ?')
      .get(owner) as Row;
    return Number(row.n);
  }

  /** Ended tasks that finished before `iso` (--keep-results), oldest first. */
  endedBefore(iso: string): TaskRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM tasks WHERE status IN ('finished', 'failed', 'cancelled') AND finished_at < ? ORDER BY seq`,
      )
      .all(iso) as Row[];
    return rows.map(taskFrom);
  }

  deleteTask(id: string): void {
    this.db.prepare('DELETE FROM tasks WHERE id = ?').run(id);
  }

  removeSchedule(id: string): boolean {
    return Number(this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes) > 0;
  }
}
