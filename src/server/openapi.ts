import { FIELDS, type Field } from '../config/fields.js';
import { LIMITS, RESERVED_ENV } from '../core/generic/spec.js';
import { SERVER_SET } from './atq-task.js';
import { TASK_STATUSES } from './store.js';
import type { ServerContext } from './context.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

/**
 * The API's description (OpenAPI 3.1, whose schemas are JSON Schema 2020-12). The tests validate every
 * answer they get against it, so it is kept strict: required fields and additionalProperties: false
 * wherever the shape is ours. The ATQ task form is generated from the option table, so a new
 * `atq run` option appears here without anyone remembering to add it.
 */

type Schema = Record<string, unknown>;
/** Operations by method, and the parameters they share. */
type PathItem = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const text: Schema = { type: 'string', minLength: 1 };
const time: Schema = { type: 'string', format: 'date-time' };
const count: Schema = { type: 'integer', minimum: 0 };
/** The shape of an upload id (files.ts): anything else is never a stored upload. */
const FILE_ID: Schema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{22}$',
  description: 'The id POST /api/databind/upload answered.',
};

const orNull = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });

function object(required: string[], properties: Record<string, Schema>, description?: string): Schema {
  return {
    type: 'object',
    required,
    properties,
    additionalProperties: false,
    ...(description ? { description } : {}),
  };
}

// ---- answers -------------------------------------------------------------------------------------

const TASK_STATUS: Schema = {
  type: 'string',
  enum: [...TASK_STATUSES],
};
const VERDICT: Schema = {
  type: 'string',
  enum: ['passed', 'failed', 'inconclusive', 'skipped', 'no-gates'],
};

const ERROR: Schema = object(
  ['error'],
  {
    error: object(['code', 'message'], {
      code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', examples: ['INVALID_REQUEST', 'NOT_FOUND'] },
      message: { ...text, description: 'What went wrong and what to do; may span lines.' },
      problems: {
        type: 'array',
        items: text,
        description: 'Every problem found, each naming its field (400).',
      },
    }),
  },
  'Every answer other than 2xx (JSON routes and the page alike).',
);

const TASK: Schema = object(
  ['id', 'seq', 'kind', 'status', 'owner', 'payload', 'createdAt', 'stages', 'position'],
  {
    id: text,
    seq: { type: 'integer', minimum: 1, description: 'Arrival order: the queue is FIFO on it.' },
    name: text,
    kind: { type: 'string', enum: ['atq', 'seed'], description: 'Which form the task was submitted in.' },
    status: ref('TaskStatus'),
    owner: {
      ...text,
      description: 'The name of the token that submitted it ("local" on a server without tokens).',
    },
    payload: {
      oneOf: [ref('AtqTask'), ref('SeedTask')],
      description: 'The task body as accepted, without schedule.',
    },
    createdAt: time,
    startedAt: time,
    finishedAt: time,
    runId: { ...text, description: 'The run id on the swarm (label atq.run), once the task has started.' },
    verdict: ref('Verdict'),
    error: object(['code', 'message'], { code: text, message: text }),
    stages: {
      type: 'object',
      additionalProperties: { type: 'number', minimum: 0 },
      description: 'Milliseconds spent in each stage of the run so far.',
    },
    progress: { type: 'string', description: 'The latest progress line (JMeter summariser, workers ready).' },
    scheduleId: { ...text, description: 'The schedule that queued this task.' },
    autoStop: object(
      ['criterion', 'message'],
      { criterion: text, message: text },
      'Auto-stop ended the run early (its run.json autoStop): the criterion as written and what it saw. ' +
        'The verdict is then failed.',
    ),
    unreliable: object(
      ['reasons', 'workers'],
      { reasons: { type: 'array', items: text }, workers: { type: 'array', items: text } },
      'A load generator was saturated (its run.json unreliable; docs/generator-health.md): the response ' +
        'times may measure the generator. The workers named, and why.',
    ),
    position: { ...count, description: '1 for the next task to start; 0 once it has started or ended.' },
  },
  'A task and its place in the queue.',
);

const SCHEDULE: Schema = object(['id', 'cron', 'owner', 'payload', 'createdAt'], {
  id: text,
  cron: { ...text, examples: ['0 2 * * *'], description: "5 fields, in the server's local time." },
  name: text,
  owner: text,
  payload: { oneOf: [ref('AtqTask'), ref('SeedTask')], description: 'The task each due time queues.' },
  createdAt: time,
  nextRun: time,
  lastTaskId: { ...text, description: 'The task queued at the last due time.' },
});

const STORED_FILE: Schema = object(['id', 'files', 'bytes', 'createdAt', 'plans'], {
  id: FILE_ID,
  name: { ...text, description: 'The file name the client gave (multipart filename or X-File-Name).' },
  files: count,
  bytes: count,
  createdAt: time,
  plans: { type: 'array', items: text, description: 'The .jmx plans in it, relative to its root.' },
  owner: {
    ...text,
    description: 'The token that made it: only it (or an admin token) lists, uses or removes it.',
  },
});

const SWARM_NODE: Schema = object(
  ['id', 'hostname', 'role', 'availability', 'state', 'engineVersion', 'cpus', 'memoryBytes'],
  {
    id: text,
    hostname: { type: 'string' },
    role: { type: 'string', enum: ['manager', 'worker', ''] },
    availability: { type: 'string', enum: ['active', 'pause', 'drain', ''] },
    state: { type: 'string', enum: ['unknown', 'down', 'ready', 'disconnected', ''] },
    engineVersion: { type: 'string' },
    cpus: { type: 'number', minimum: 0 },
    memoryBytes: count,
  },
);

const QUEUE: Schema = object(['running', 'queued', 'concurrency'], {
  running: count,
  queued: count,
  concurrency: { type: 'integer', minimum: 1 },
});

/** A task's `source` as its client sent it; the server never checks it (it runs no git in uploads). */
const SOURCE_FIELDS: Record<string, Schema> = {
  commit: { type: 'string', pattern: '^[0-9a-fA-F]{7,64}$' },
  ref: { type: 'string', pattern: '^[^\\s\\x00-\\x1f\\x7f]{1,255}$', examples: ['main'] },
  ciUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
};
const CLAIMED_SOURCE: Schema = object(
  ['claimedBy'],
  {
    ...SOURCE_FIELDS,
    claimedBy: {
      const: 'client',
      description: 'Said by the client that submitted the task; the server did not check it.',
    },
  },
  'Where the tested code came from, as the submitting client claimed.',
);
const PLAN_NUMBERS: Schema = object(['plan', 'verdict', 'samples', 'p95', 'errorRate', 'throughput'], {
  plan: text,
  verdict: orNull(ref('Verdict')),
  samples: count,
  p95: { type: 'number', minimum: 0, description: 'Milliseconds, the whole run.' },
  errorRate: { type: 'number', minimum: 0, maximum: 1, description: 'A fraction.' },
  throughput: { type: 'number', minimum: 0, description: 'Samples per second.' },
});
const HISTORY_RUN: Schema = object(
  ['taskId', 'runId', 'startedAt', 'finishedAt', 'verdict', 'source', 'plans'],
  {
    taskId: text,
    runId: orNull(text),
    startedAt: orNull(time),
    finishedAt: orNull(time),
    verdict: orNull(ref('Verdict')),
    source: orNull(ref('ClaimedSource')),
    plans: { type: 'array', items: PLAN_NUMBERS, minItems: 1 },
  },
  "One earlier finished task (none whose gates failed) and its plans' whole-run numbers.",
);

const ANSWERS: Record<string, Schema> = {
  Error: ERROR,
  TaskStatus: TASK_STATUS,
  Verdict: VERDICT,
  Task: TASK,
  TaskList: object(['tasks', 'total', 'limit', 'offset'], {
    tasks: { type: 'array', items: ref('Task'), description: 'Newest first.' },
    total: { ...count, description: 'How many tasks match the filters, all pages together.' },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    offset: count,
  }),
  Accepted: object(['id', 'status', 'position'], {
    id: text,
    status: { ...ref('TaskStatus'), description: 'queued, or starting when a slot was free.' },
    position: {
      ...count,
      description: '1 for the next task to start; 0 when it started at once (a free slot).',
    },
  }),
  Schedule: SCHEDULE,
  ScheduleList: object(['schedules'], { schedules: { type: 'array', items: ref('Schedule') } }),
  StoredFile: STORED_FILE,
  FileList: object(['files'], {
    files: { type: 'array', items: ref('StoredFile'), description: 'Newest first.' },
  }),
  ResultFiles: object(['files'], {
    files: {
      type: 'array',
      items: object(['path', 'size'], { path: text, size: count }),
      description: 'Every file of the results, paths relative to the results folder, sorted.',
    },
  }),
  SwarmNode: SWARM_NODE,
  Swarm: object(['engineVersion', 'nodes', 'queue'], {
    engineVersion: { type: 'string' },
    nodes: { type: 'array', items: ref('SwarmNode') },
    queue: QUEUE,
  }),
  Ping: object(['status', 'version'], { status: { const: 'ok' }, version: text }),
  ClaimedSource: CLAIMED_SOURCE,
  HistoryRun: HISTORY_RUN,
  History: object(
    ['name', 'owner', 'plan', 'ref', 'limit', 'runs'],
    {
      name: text,
      owner: { ...text, description: "Whose tasks: the caller's own unless an admin token named another." },
      plan: orNull(text),
      ref: orNull(text),
      limit: { type: 'integer', minimum: 1, maximum: 100 },
      runs: {
        type: 'array',
        items: ref('HistoryRun'),
        description: 'Newest first; at most `limit` per plan (with `plan`: that plan only).',
      },
    },
    'The earlier runs a task of this name would be judged against with `baseline: auto`.',
  ),
};

// ---- events (the data of each Server-Sent Event) --------------------------------------------------

const runEvent = (type: string, required: string[], properties: Record<string, Schema>): Schema =>
  object(['type', ...required], { type: { const: type }, ...properties });

const EVENTS: Record<string, Schema> = {
  RunEvent: {
    description: 'One event of the run itself (the same events `atq run` prints on its console).',
    oneOf: [
      runEvent('log', ['level', 'message'], {
        level: { type: 'string', enum: ['info', 'warn'] },
        message: { type: 'string' },
      }),
      runEvent('stage', ['stage', 'phase'], {
        stage: text,
        phase: { type: 'string', enum: ['start', 'end'] },
        ms: { type: 'number', minimum: 0 },
      }),
      runEvent('workers-ready', ['addresses'], { addresses: { type: 'array', items: text } }),
      runEvent('progress', ['message'], { message: { type: 'string' } }),
      runEvent('live', ['snapshot'], {
        snapshot: {
          type: 'object',
          description:
            "Live statistics of the plan running, every progress-interval and once more at the plan's end: " +
            '`plan`, `at` (epoch ms), `intervalMs`, `elapsedMs`, `threads`, `total` and `labels` (by label), each ' +
            'with `interval` and `cumulative` numbers (samples, errors, errorRate, throughput, p50Ms, p90Ms, ' +
            'p95Ms, p99Ms, meanMs), and `lag` (p50Ms, maxMs: how late the samples arrived).',
        },
      }),
      runEvent('auto-stop', ['plan', 'criterion', 'message', 'elapsedMs'], {
        plan: text,
        criterion: text,
        message: { type: 'string', description: 'What auto-stop saw: "stopped the run at 1m42s: ...".' },
        elapsedMs: { type: 'number', minimum: 0, description: "When, in ms since the plan's first sample." },
      }),
      runEvent('output', ['source', 'line'], { source: text, line: { type: 'string' } }),
      runEvent('plan-finished', ['plan', 'status'], {
        plan: text,
        status: text,
        samples: count,
        summary: { type: 'object', description: "The plan's summary.json." },
      }),
      runEvent('verdict', ['verdict'], { verdict: ref('Verdict') }),
    ],
  },
  TaskEvent: {
    description:
      'The data of one event of GET /api/task/{id}/events (its SSE `event:` field is the kind): `run` carries ' +
      'an event of the run (log lines, stages, progress, container output, verdict), `status` the task each ' +
      'time its status or queue position changes, `end` the task as it ended (the last event of the stream).',
    oneOf: [
      object(['kind', 'event'], { kind: { const: 'run' }, event: ref('RunEvent') }),
      object(['kind', 'task'], { kind: { const: 'status' }, task: ref('Task') }),
      object(['kind', 'task'], { kind: { const: 'end' }, task: ref('Task') }),
    ],
  },
};

// ---- task bodies ---------------------------------------------------------------------------------

const DURATION: Schema = {
  oneOf: [
    {
      type: 'string',
      pattern: '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)\\s*$',
      examples: ['30s', '5m', '1h30m'],
    },
    { type: 'number', minimum: 0, description: 'seconds' },
  ],
};
const CRON: Schema = {
  type: 'string',
  pattern: '^\\s*\\S+(\\s+\\S+){4}\\s*$',
  examples: ['0 2 * * *'],
  description:
    "Run on this cron schedule (5 fields, the server's local time) instead of once: the answer is the schedule (201).",
};
/** A task's name: not blank (the seed's form also limits it to 128 characters). */
const NAME: Schema = { type: 'string', pattern: '\\S' };
const GATE: Schema = {
  oneOf: [
    { ...text, examples: ['p95 < 500ms', 'error_rate < 1%', '"GET /login": p99 <= 1.2s'] },
    object(['metric', 'op', 'value'], {
      label: { type: 'string' },
      metric: text,
      op: { type: 'string', enum: ['<', '<=', '>', '>=', '=='] },
      value: { type: ['string', 'number'] },
    }),
  ],
};
const KEY_VALUE: Schema = { type: 'string', pattern: '^[^=]+=', examples: ['users=10'] };

/** One `atq run` option as JSON accepts it (the same values atq.yml takes, read by the same code). */
function fieldSchema(f: Field): Schema {
  const about = { description: f.help };
  switch (f.kind) {
    case 'string':
      return { ...text, ...(f.choices ? { enum: f.choices } : {}), ...about };
    case 'list':
      return { oneOf: [text, { type: 'array', items: text }], ...about };
    case 'int':
      return { type: 'integer', ...(f.range ? { minimum: f.range[0], maximum: f.range[1] } : {}), ...about };
    case 'bool':
      return { type: 'boolean', ...about };
    case 'duration':
      return { ...DURATION, ...about };
    case 'size':
      return {
        oneOf: [{ type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG]?[bB]?)\\s*$' }, count],
        ...about,
      };
    case 'props':
      return {
        oneOf: [
          {
            type: 'object',
            propertyNames: { pattern: '^[\\w.-]+$' },
            additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
          },
          { type: 'array', items: KEY_VALUE },
          KEY_VALUE,
        ],
        ...about,
      };
    case 'criteria':
      return { oneOf: [GATE, { type: 'array', items: GATE }], ...about };
    case 'auto-stop':
      // A criterion's text ("p95 > 2s for 1m", "off"), or its long form: a gate's plus `for`.
      return {
        oneOf: [text, { type: 'array', items: { oneOf: [text, { type: 'object' }] } }],
        examples: [['error_rate > 50% for 30s', 'p95 > 2s for 1m'], 'off'],
        ...about,
      };
    case 'cpus':
      return {
        oneOf: [
          { type: 'number', minimum: 0.01, maximum: 1024 },
          { type: 'string', pattern: '^\\s*(\\d+(\\.\\d*)?|\\.\\d+)\\s*$' },
        ],
        ...about,
      };
    case 'memory':
      return {
        oneOf: [
          { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT][iI]?[bB]?|[bB])?\\s*$' },
          { ...count, minimum: 512 * 1024 ** 2 },
        ],
        ...about,
      };
    case 'wait':
      return {
        oneOf: [
          text,
          object(['command'], { command: text, 'expected-result': text, timeout: DURATION, image: text }),
        ],
        ...about,
      };
  }
}

const TASK_SOURCE =
  'The commit, ref and CI run the client says it tested (atq run --server sends its own). Recorded as given ' +
  'and shown as its claim; `baseline: auto:REF` matches on the ref.';
const TASK_BASELINE =
  "A path inside the upload holding earlier runs' summary.json files (atq run --server ships a local " +
  "--baseline there), or `auto`: this server's earlier finished tasks of the same name and plan, submitted " +
  'with the same token, newest first, up to baseline-runs (none whose gates failed); `auto:REF` only those ' +
  'whose source ref is REF. With auto, baseline-missing defaults to skip (a first run has no history).';

const MONITOR_FIELD = FIELDS.find((f) => f.name === 'monitor') as Field;
const TASK_MONITOR =
  `${MONITOR_FIELD.help}. On a server, only what its operator allows with ` +
  'atq serve --allow-monitor PATTERN (none by default; server/monitor-allow.ts): a name an allowed pattern ' +
  'matches, or a glob that is exactly one of them; at run time only the allowed services a glob matches are ' +
  'sampled. Anything else is refused (400, naming the flag).';

/** ATQ's form: an upload and the `atq run` options by their atq.yml names, except those the server sets. */
function atqTask(): Schema {
  const options = FIELDS.filter((f) => !SERVER_SET[f.name]).map((f) => [f.name, fieldSchema(f)] as const);
  return {
    type: 'object',
    description:
      'A JMeter run: the files of an upload and the `atq run` options, named and valued as in atq.yml. ' +
      `Options the server sets itself are refused: ${Object.keys(SERVER_SET).join(', ')}.`,
    required: ['fileId'],
    properties: {
      fileId: FILE_ID,
      name: NAME,
      schedule: CRON,
      source: object([], SOURCE_FIELDS, TASK_SOURCE),
      ...Object.fromEntries(options),
      baseline: { ...text, description: TASK_BASELINE },
      monitor: { ...fieldSchema(MONITOR_FIELD), description: TASK_MONITOR },
    },
    additionalProperties: false,
  };
}

const ENV_NAME = '[A-Za-z_][A-Za-z0-9_]*';
const RESERVED: string[] = [...RESERVED_ENV];

/** The seed's `environment`: ["NAME=value", ...] or {NAME: value}; the workers' addresses are ATQ's. */
const ENVIRONMENT: Schema = orNull({
  oneOf: [
    {
      type: 'array',
      items: { type: 'string', pattern: `^${ENV_NAME}=`, not: { pattern: `^(${RESERVED.join('|')})=` } },
    },
    {
      type: 'object',
      propertyNames: { pattern: `^${ENV_NAME}$`, not: { enum: RESERVED } },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  ],
});

const COLLECT: Schema = orNull({
  type: 'array',
  maxItems: LIMITS.maxCollect,
  items: {
    type: 'string',
    pattern: '^/+[^/]',
    not: { pattern: '(^|/)\\.\\.(/|$)' },
    examples: ['/out/result.txt'],
  },
  description: "Absolute paths in the master's container, copied into the task's results after it exits.",
});

function seedService(role: 'master' | 'worker'): Schema {
  const replicas: Schema =
    role === 'master'
      ? orNull({ const: 1, description: 'A task has one master.' })
      : { type: 'integer', minimum: 1, maximum: LIMITS.maxWorkers, description: 'How many workers.' };
  return {
    ...object(role === 'master' ? ['image'] : ['image', 'replicas'], {
      alias: orNull({ ...text, maxLength: 63 }),
      image: { type: 'string', pattern: '^\\S+$', maxLength: 255, examples: ['alpine:3.20'] },
      args: orNull({
        type: 'array',
        items: { type: 'string' },
        description: "Arguments for the image's entrypoint.",
      }),
      environment: ENVIRONMENT,
      replicas,
      fileId: orNull(FILE_ID),
      fileid: orNull(FILE_ID),
      tty: orNull({ type: 'boolean', description: 'Accepted and ignored.' }),
      ...(role === 'master' ? { collect: COLLECT } : {}),
    }),
    not: { required: ['fileId', 'fileid'] },
    description:
      role === 'master'
        ? "The master: it gets the workers' addresses in REMOTES and WORKER_CSV_VIPS (comma-separated)."
        : 'The workers: a dnsrr service; an upload given by fileId appears under /atq/data/.',
  };
}

const BODIES: Record<string, Schema> = {
  AtqTask: atqTask(),
  SeedTask: object(
    ['name', 'master', 'worker'],
    {
      name: { ...NAME, maxLength: 128 },
      schedule: CRON,
      delay: orNull({
        type: 'integer',
        minimum: 0,
        maximum: LIMITS.maxDelaySeconds,
        description: 'Seconds to wait after the workers are up.',
      }),
      waitCommand: orNull(ref('SeedWaitCommand')),
      master: ref('SeedMaster'),
      worker: ref('SeedWorker'),
      collect: COLLECT,
    },
    "The seed's own task payload: any master/worker tool, as the original ATQ service documented it.",
  ),
  SeedWaitCommand: object(
    ['command'],
    {
      command: { ...text, maxLength: 4096 },
      expectedResult: orNull({
        type: 'string',
        description: 'The trimmed output must equal it; "" or absent: exit 0 is enough.',
      }),
      timeout: orNull({
        type: 'integer',
        minimum: 1,
        maximum: LIMITS.maxWaitSeconds,
        description: 'Seconds for all attempts (default 60).',
      }),
    },
    'A shell command that must succeed on the run network before the master starts.',
  ),
  SeedMaster: seedService('master'),
  SeedWorker: seedService('worker'),
};

// ---- parameters and shared answers ---------------------------------------------------------------

const inPath = (name: string, description: string): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: text,
});
const inQuery = (name: string, description: string, schema: Schema): Schema => ({
  name,
  in: 'query',
  description,
  schema,
});

const PARAMETERS: Record<string, Schema> = {
  TaskId: inPath('id', 'The id PUT /api/task answered.'),
  ScheduleId: inPath('id', 'The id of the schedule (PUT /api/task with schedule answered it).'),
  FileId: { ...inPath('id', 'The id POST /api/databind/upload answered.'), schema: FILE_ID },
  ResultPath: inPath(
    'path',
    'A path inside the results, slashes included (e.g. logs/master.log, report.html).',
  ),
  Status: {
    ...inQuery('status', 'Only tasks in these statuses (comma-separated).', {
      type: 'array',
      items: ref('TaskStatus'),
    }),
    style: 'form',
    explode: false,
  },
  Owner: inQuery('owner', 'Only tasks submitted with this token name.', text),
  HistoryName: {
    ...inQuery('name', 'The name of the tasks (as PUT /api/task named them).', text),
    required: true,
  },
  HistoryPlan: inQuery('plan', "Only this plan (its path in the upload, as the run's summary names it).", {
    ...text,
    maxLength: 1024,
  }),
  HistoryRef: inQuery('ref', 'Only tasks whose source (as their client claimed it) has this ref.', {
    type: 'string',
    pattern: '^[^\\s\\x00-\\x1f\\x7f]{1,255}$',
  }),
  HistoryOwner: inQuery(
    'owner',
    "Whose tasks (default: the caller's own); another token's only for an admin token.",
    text,
  ),
  HistoryLimit: inQuery('limit', 'Runs per plan (default 10, as baseline-runs).', {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
  }),
  Schedule: inQuery('schedule', 'Only tasks queued by this schedule.', text),
  Limit: inQuery('limit', 'Page size (default 50).', {
    type: 'integer',
    minimum: 1,
    maximum: 500,
    default: 50,
  }),
  Offset: inQuery('offset', 'How many tasks to skip, newest first (default 0).', {
    ...count,
    maximum: 1e9,
    default: 0,
  }),
  After: inQuery(
    'after',
    'Only events after this id (as Last-Event-ID, for clients that cannot set headers).',
    count,
  ),
  LastEventId: {
    name: 'Last-Event-ID',
    in: 'header',
    description: 'Sent by an EventSource that reconnects: only the events after this id are sent.',
    schema: count,
  },
  FileName: {
    name: 'X-File-Name',
    in: 'header',
    description: "The archive's file name, for a raw body.",
    schema: text,
  },
};
const param = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });

const jsonBody = (schema: Schema, description: string, headers?: Schema): Schema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});
const LOCATION: Schema = { Location: { description: 'Where the created resource is.', schema: text } };

const failure = (description: string, headers?: Schema) => jsonBody(ref('Error'), description, headers);
const ERROR_RESPONSES: Record<string, Schema> = {
  '400': failure('The request is invalid: `problems` lists every problem, each naming its field.'),
  '401': failure('No token, or a token this server does not know.', {
    'WWW-Authenticate': {
      description: 'Bearer; Basic on routes for browsers (the token as the password).',
      schema: text,
    },
  }),
  '403': failure(
    "Refused: cancelling or removing what another token submitted or uploaded, or reading its history (NOT_OWNER), or a change sent from another site's page (CROSS_SITE).",
  ),
  '404': failure('No such task, schedule, upload, result file or endpoint.'),
  '405': failure('The path exists, not with this method.', {
    Allow: { description: 'The methods it takes.', schema: text },
  }),
  '409': failure(
    'The task has already ended, the upload is used by a task that has not, or it was removed while a task naming it was checked (FILE_REMOVED).',
  ),
  '421': failure(
    'A server without tokens answers only to its loopback address (the Host header named another).',
  ),
  '413': failure('The body is larger than the server accepts (--max-upload; 1 MB for a task).'),
  '429': failure('The token already has the most tasks waiting that the server allows (--max-queued).'),
  '500': failure('The server failed (a bug: report it with the message).'),
  '503': failure('The swarm cannot be reached, or the engine is not a swarm manager.'),
};

// ---- operations ----------------------------------------------------------------------------------

interface Operation {
  id: string;
  tag: string;
  summary: string;
  description?: string;
  /** open: no token (health checks, this document); browser: Basic credentials too (the token as password). */
  access?: 'open' | 'browser';
  parameters?: string[];
  requestBody?: Schema;
  ok: Record<string, Schema>;
  errors?: number[];
}

const ACCESS = { open: [], browser: [{ bearer: [] }, { basic: [] }] };

function operation(o: Operation): Schema {
  const codes = [...new Set([...(o.errors ?? []), ...(o.access === 'open' ? [] : [401]), 421, 500])].sort(
    (a, b) => a - b,
  );
  return {
    operationId: o.id,
    tags: [o.tag],
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    ...(o.access ? { security: ACCESS[o.access] } : {}),
    ...(o.parameters ? { parameters: o.parameters.map(param) } : {}),
    ...(o.requestBody ? { requestBody: o.requestBody } : {}),
    responses: {
      ...o.ok,
      ...Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/${c}` }])),
    },
  };
}

const TASK_BODY: Schema = {
  required: true,
  description: "ATQ's form (fileId + `atq run` options) or the seed's form (told apart by master/worker).",
  content: { 'application/json': { schema: { oneOf: [ref('AtqTask'), ref('SeedTask')] } } },
};

const taskPaths = (): Record<string, PathItem> => ({
  '/api/task': {
    put: operation({
      id: 'submitTask',
      tag: 'tasks',
      summary: 'Queue a task (or, with schedule, create a schedule)',
      description:
        'Everything is checked now: a task that could not run is refused with 400 listing every problem.',
      requestBody: TASK_BODY,
      ok: {
        '202': jsonBody(ref('Accepted'), 'Queued; follow it at Location.', LOCATION),
        '201': jsonBody(ref('Schedule'), 'A schedule: each due time queues a copy of the task.', LOCATION),
      },
      errors: [403, 400, 409, 413, 429],
    }),
    get: operation({
      id: 'listTasks',
      tag: 'tasks',
      summary: 'Tasks, newest first',
      parameters: ['Status', 'Owner', 'Schedule', 'Limit', 'Offset'],
      ok: { '200': jsonBody(ref('TaskList'), 'One page of tasks.') },
      errors: [400],
    }),
  },
  '/api/task/{id}': {
    parameters: [param('TaskId')],
    get: operation({
      id: 'getTask',
      tag: 'tasks',
      summary: 'A task: status, queue position, stage timings, progress, verdict, error',
      ok: { '200': jsonBody(ref('Task'), 'The task.') },
      errors: [404],
    }),
    delete: operation({
      id: 'cancelTask',
      tag: 'tasks',
      summary: 'Cancel a task',
      ok: {
        '200': jsonBody(ref('Task'), 'It was queued: it left the queue (cancelled).'),
        '202': jsonBody(
          ref('Task'),
          'It was running: it is being aborted and cleaned up; follow its events.',
        ),
      },
      errors: [403, 404, 409],
    }),
  },
  '/api/task/{id}/events': {
    parameters: [param('TaskId')],
    get: operation({
      id: 'taskEvents',
      tag: 'tasks',
      summary: "The task's events (Server-Sent Events): its whole story so far, then live until it ends",
      parameters: ['LastEventId', 'After'],
      ok: {
        '200': {
          description:
            'text/event-stream. Each event has a numeric `id:`, an `event:` of run, status or end, and one line of ' +
            '`data:` holding a TaskEvent (components/schemas/TaskEvent) as JSON. Lines starting with ":" keep the ' +
            'connection alive. The stream closes after the `end` event; reconnect with Last-Event-ID to resume.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
      },
      errors: [404],
    }),
  },
});

const resultAndSchedulePaths = (): Record<string, PathItem> => ({
  '/api/task/{id}/results': {
    parameters: [param('TaskId')],
    get: operation({
      id: 'listResults',
      tag: 'results',
      summary: "The files of a task's results",
      ok: { '200': jsonBody(ref('ResultFiles'), 'Empty until the task has started.') },
      errors: [404],
    }),
  },
  '/api/task/{id}/results/{path}': {
    parameters: [param('TaskId'), param('ResultPath')],
    get: operation({
      id: 'getResult',
      tag: 'results',
      summary:
        'One result file: results.jtl, summary.json, report.html and report.css, junit.xml, run.json, logs/…',
      description: "HEAD works too. Paths cannot leave the task's folder (links included).",
      access: 'browser',
      ok: { '200': { description: 'The file, typed by its extension.', content: { '*/*': {} } } },
      errors: [404],
    }),
  },
  '/api/history': {
    get: operation({
      id: 'history',
      tag: 'results',
      summary: 'The history a task of this name would be judged against (`baseline: auto`), newest first',
      description:
        "The caller's own finished tasks of that name (none whose gates failed) with a summary of the plan, " +
        'each with its run id, times, claimed source, verdict and whole-run p95, error rate, throughput, samples.',
      parameters: ['HistoryName', 'HistoryPlan', 'HistoryRef', 'HistoryOwner', 'HistoryLimit'],
      ok: { '200': jsonBody(ref('History'), 'The history; runs is empty when there is none.') },
      errors: [400, 403],
    }),
  },
  '/api/schedule': {
    get: operation({
      id: 'listSchedules',
      tag: 'schedules',
      summary: 'Schedules and their next run',
      ok: { '200': jsonBody(ref('ScheduleList'), 'Every schedule, oldest first.') },
    }),
  },
  '/api/schedule/{id}': {
    parameters: [param('ScheduleId')],
    delete: operation({
      id: 'removeSchedule',
      tag: 'schedules',
      summary: 'Remove a schedule (the tasks it queued stay)',
      ok: { '204': { description: 'Removed.' } },
      errors: [403, 404],
    }),
  },
});

const UPLOAD_BODY: Schema = {
  required: true,
  description: 'A zip or tar.gz of plans and data: as the `file` field of a form, or as the body itself.',
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } },
      },
    },
    'application/zip': {},
    'application/gzip': {},
    'application/octet-stream': {},
  },
};

const fileAndSwarmPaths = (): Record<string, PathItem> => ({
  '/api/databind/upload': {
    post: operation({
      id: 'upload',
      tag: 'files',
      summary: 'Upload plans and data',
      description: 'Entries leaving the root, links, and too many or too large entries are refused (400).',
      parameters: ['FileName'],
      requestBody: UPLOAD_BODY,
      ok: { '201': jsonBody(ref('StoredFile'), "Stored; give its id as a task's fileId.", LOCATION) },
      errors: [403, 400, 413],
    }),
  },
  '/api/databind/list': {
    get: operation({
      id: 'listUploads',
      tag: 'files',
      summary: "The token's own uploads (an admin token's: every one), newest first",
      ok: { '200': jsonBody(ref('FileList'), 'The uploads.') },
    }),
  },
  '/api/databind/{id}': {
    parameters: [param('FileId')],
    delete: operation({
      id: 'removeUpload',
      tag: 'files',
      summary: 'Remove an upload',
      ok: { '204': { description: 'Removed.' } },
      errors: [403, 404, 409],
    }),
  },
  '/api/swarm': {
    get: operation({
      id: 'swarm',
      tag: 'server',
      summary: "The swarm's nodes and the queue (never join tokens)",
      ok: { '200': jsonBody(ref('Swarm'), 'The cluster.') },
      errors: [503],
    }),
  },
  '/api/monitoring/ping': {
    get: operation({
      id: 'ping',
      tag: 'server',
      summary: 'Health check',
      access: 'open',
      ok: { '200': jsonBody(ref('Ping'), 'The server answers.') },
    }),
  },
});

const metaPaths = (): Record<string, PathItem> => ({
  '/api/openapi.json': {
    get: operation({
      id: 'openapi',
      tag: 'server',
      summary: 'This document',
      access: 'open',
      ok: {
        '200': jsonBody(
          {
            type: 'object',
            required: ['openapi', 'info', 'paths', 'components'],
            properties: { openapi: { const: '3.1.0' } },
          },
          'OpenAPI 3.1.',
        ),
      },
    }),
  },
  '/': {
    get: operation({
      id: 'page',
      tag: 'server',
      summary: 'The tasks as a web page (server-rendered, no JavaScript)',
      access: 'browser',
      parameters: ['Limit', 'Offset'],
      ok: {
        '200': {
          description: 'HTML: the queue, the schedules and one page of tasks with links to their results.',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
      errors: [400],
    }),
  },
});

// ---- the document --------------------------------------------------------------------------------

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Schema>;
    responses: Record<string, Schema>;
    securitySchemes: Record<string, Schema>;
  };
  [key: string]: unknown;
}

export const OPENAPI: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'atq serve',
    // The served copy carries the server's version (GET /api/openapi.json).
    version: 'unknown',
    description:
      'A queue of load tests in front of a Docker Swarm: upload plans and data, submit tasks (JMeter through ' +
      "`atq run`, or any master/worker tool in the seed's form), follow them, fetch their results. At most " +
      '--concurrency tasks run at once; the rest wait, first in first out. Every request needs ' +
      '"Authorization: Bearer <token>" unless the server listens on loopback without --tokens.',
  },
  tags: [
    { name: 'tasks' },
    { name: 'results' },
    { name: 'schedules' },
    { name: 'files' },
    { name: 'server' },
  ],
  security: [{ bearer: [] }],
  paths: { ...taskPaths(), ...resultAndSchedulePaths(), ...fileAndSwarmPaths(), ...metaPaths() },
  components: {
    schemas: { ...ANSWERS, ...EVENTS, ...BODIES },
    parameters: PARAMETERS,
    responses: ERROR_RESPONSES,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'A token from atq serve --add-token.' },
      basic: {
        type: 'http',
        scheme: 'basic',
        description: 'For browsers: any user name, the token as the password.',
      },
    },
  },
};

/** GET /api/openapi.json, without a token: clients and tools read it before they have one. */
export function openApiRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/openapi.json',
      open: true,
      handler: ({ res }) =>
        sendJson(res, 200, { ...OPENAPI, info: { ...OPENAPI.info, version: ctx.version } }),
    },
  ];
}
