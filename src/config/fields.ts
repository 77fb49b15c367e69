/**
 * The option table shared by atq.yml and the CLI: one name per option (the flag's long name), its kind,
 * and the help text. Keeping one table means the file, the flags and the docs cannot drift apart.
 */
export type FieldKind =
  | 'string'
  | 'list'
  | 'int'
  | 'bool'
  | 'duration'
  | 'props'
  | 'size'
  | 'wait'
  | 'criteria'
  /** Auto-stop criteria (config/auto-stop-grammar.ts), or off. */
  | 'auto-stop'
  /** CPUs as docker run --cpus takes them (2, 0.5). */
  | 'cpus'
  /** Memory as docker run --memory takes it (512m, 2g, 1.5GB). */
  | 'memory';

export interface Field {
  name: string;
  kind: FieldKind;
  help: string;
  arg?: string;
  /** int: the allowed range, inclusive; the message names it. */
  range?: [number, number];
  /** duration: 0 is not allowed (a limit of 0 would fail at once); the example goes into the message. */
  positive?: { example: string };
  /** string: the only values allowed. */
  choices?: string[];
  /** A secret (the server token): messages never show its value, fronts mask it. */
  secret?: boolean;
  /** props: the values are secrets (names are not): messages never show them, fronts and servers mask them. */
  secretValues?: boolean;
}

export const FIELDS: Field[] = [
  {
    name: 'plan',
    kind: 'list',
    arg: 'GLOB',
    help: 'plan(s) to run: globs relative to --test-dir, or paths into it (default **/*.jmx)',
  },
  {
    name: 'files',
    kind: 'list',
    arg: 'GLOB',
    help: 'data files to ship (default csv, tsv, txt, json, xml, properties, dat)',
  },
  {
    name: 'heap',
    kind: 'string',
    arg: 'SIZE',
    help: "JVM heap of every JMeter container, e.g. 512m or 2g (HEAP=-Xms -Xmx, as JMeter's launcher reads it; default the image's)",
  },
  {
    name: 'worker-cpus',
    kind: 'cpus',
    arg: 'CPUS',
    help:
      'CPUs for each worker (or engine), e.g. 2 or 0.5: reserved, so Swarm places it only where they are free, ' +
      'and its limit, so no generator starves another on its node (default none)',
  },
  {
    name: 'worker-memory',
    kind: 'memory',
    arg: 'SIZE',
    help:
      'memory for each worker (or engine), e.g. 2g or 512m (at least 512m): reserved and its limit, as --worker-cpus; ' +
      'without --heap their heap is set to fit (the memory less a quarter, at least 256MB) (default none)',
  },
  {
    name: 'jit',
    kind: 'string',
    arg: 'default|ci',
    choices: ['default', 'ci'],
    help: "how JMeter's JVMs compile: default (the JVM's own thresholds), or ci: the optimising compiler (C2) waits 10x longer, so each JVM starts on a third less CPU but runs heavy load slower at first (for short runs on few cores)",
  },
  {
    name: 'mode',
    kind: 'string',
    arg: 'distributed|engines',
    choices: ['distributed', 'engines'],
    help: 'distributed (default): a master drives N jmeter-server workers; engines: N standalone JMeter engines, no master',
  },
  {
    name: 'split-csv',
    kind: 'list',
    arg: 'GLOB',
    help: 'CSV files each worker gets its own slice of (round-robin rows, header kept), so a row is used once',
  },
  {
    name: 'jar',
    kind: 'list',
    arg: 'GLOB',
    help: "extra jars for JMeter's classpath (plugins/*.jar, lib/ext/*.jar and lib/*.jar in the test dir always ship)",
  },
  { name: 'test-dir', kind: 'string', arg: 'DIR', help: 'folder with the plans and their data (default .)' },
  { name: 'workers', kind: 'int', arg: 'N', range: [1, 500], help: 'number of JMeter workers (default 2)' },
  {
    name: 'image',
    kind: 'string',
    arg: 'IMG',
    help: 'JMeter image for master and workers (default ghcr.io/atq/run-load-test/jmeter:5.6.3)',
  },
  {
    name: 'worker-image',
    kind: 'string',
    arg: 'IMG',
    help: 'JMeter image for the workers (default --image)',
  },
  { name: 'master-image', kind: 'string', arg: 'IMG', help: 'JMeter image for the master (default --image)' },
  {
    name: 'prop',
    kind: 'props',
    arg: 'KEY=VALUE',
    help: 'JMeter property, sent to workers (-G) and master (-J)',
  },
  {
    name: 'secret-prop',
    kind: 'props',
    arg: 'KEY=VALUE',
    help:
      'JMeter property whose value is a secret (a password, an API key): as --prop, but given to JMeter in a ' +
      "file, never on a command line, in a log or in a server's answers (${__P(KEY)} in the plan)",
    secretValues: true,
  },
  { name: 'jmeter-arg', kind: 'list', arg: 'ARG', help: "extra argument for the master's jmeter command" },
  {
    name: 'out',
    kind: 'string',
    arg: 'DIR',
    help: 'results folder; each run writes <out>/<run id>/ (default atq-results)',
  },
  {
    name: 'timeout',
    kind: 'duration',
    arg: 'DURATION',
    positive: { example: '30m' },
    help: 'limit for the whole run, e.g. 30m, 90s, 1h30m; a bare number is seconds (default 30m)',
  },
  {
    name: 'ready-timeout',
    kind: 'duration',
    arg: 'DURATION',
    positive: { example: '2m' },
    help: 'limit for the workers to be ready; a bare number is seconds (default 2m)',
  },
  {
    name: 'delay',
    kind: 'duration',
    arg: 'DURATION',
    help: 'wait this long after the workers are ready; a bare number is seconds (default 0s)',
  },
  {
    name: 'progress-interval',
    kind: 'duration',
    arg: 'DURATION',
    help: 'live statistics while the run goes: samples, throughput, errors, p95/p99, threads every this long (default 10s; at least 1s; 0 turns them off)',
  },
  {
    name: 'progress-labels',
    kind: 'bool',
    help: "print each label's live statistics too, not only the whole run's (the Action always has them in a collapsed group)",
  },
  {
    name: 'wait-command',
    kind: 'wait',
    arg: 'CMD',
    help: 'shell command that must succeed on the run network before the master starts',
  },
  { name: 'wait-expected', kind: 'string', arg: 'TEXT', help: 'output --wait-command must print (trimmed)' },
  {
    name: 'wait-timeout',
    kind: 'duration',
    arg: 'DURATION',
    positive: { example: '1m' },
    help: 'limit for --wait-command; a bare number is seconds (default 1m)',
  },
  {
    name: 'wait-image',
    kind: 'string',
    arg: 'IMG',
    help: 'image for --wait-command (default the worker image)',
  },
  {
    name: 'criteria',
    kind: 'criteria',
    arg: 'GATE',
    help: 'performance gate, e.g. "p95 < 500ms", "error_rate < 1%" (times need ms or s); exit code 3 when one fails',
  },
  {
    name: 'auto-stop',
    kind: 'auto-stop',
    arg: 'CRITERION',
    help:
      'stop the run early, keeping every sample, when a criterion holds for its window, e.g. ' +
      '"error_rate > 50% for 30s", "p95 > 2s for 1m" (exit code 3); on by default: error_rate >= 90% for 60s; ' +
      '"off" turns it off',
  },
  {
    name: 'baseline',
    kind: 'string',
    arg: 'PATH',
    help:
      'summary.json of an earlier run, or its results folder (matched per plan), for gates like "p95 <= baseline+10%" and deltas; ' +
      "with --server, auto (or auto:REF, only runs of that ref): the server's earlier runs of this task",
  },
  {
    name: 'baseline-missing',
    kind: 'string',
    arg: 'fail|skip',
    choices: ['fail', 'skip'],
    help: 'when there is no baseline (first run, expired artifact): fail baseline gates (default; skip with baseline auto) or skip them with a warning',
  },
  {
    name: 'baseline-runs',
    kind: 'int',
    arg: 'N',
    range: [1, 100],
    help: 'earlier runs of the same plan baseline gates are judged against, newest first (default 10)',
  },
  {
    name: 'confidence',
    kind: 'string',
    arg: 'PCT',
    help: 'how sure a baseline gate must be to pass or fail, 80% to 99.9% (default 95%); otherwise it is inconclusive',
  },
  {
    name: 'inconclusive',
    kind: 'string',
    arg: 'pass|fail',
    choices: ['pass', 'fail'],
    help: 'what a baseline gate the history cannot decide does: pass with a warning (default) or fail the run',
  },
  {
    name: 'attach-network',
    kind: 'list',
    arg: 'NAME',
    help: 'also join master and workers to this attachable network',
  },
  {
    name: 'monitor',
    kind: 'list',
    arg: 'SERVICE',
    help:
      "Swarm service (or glob, e.g. 'shop-*') whose containers' CPU and memory are sampled on every node " +
      'during the run: charts, a table and gates such as monitor.shop.cpu < 80%',
  },
  {
    name: 'network-encryption',
    kind: 'bool',
    help: 'encrypt the run network (IPsec; needs ESP between nodes)',
  },
  {
    name: 'rmi-ssl',
    kind: 'string',
    arg: 'on|off',
    choices: ['on', 'off'],
    help: 'RMI over SSL with a per-run keystore (default on)',
  },
  { name: 'keep', kind: 'bool', help: "leave the run's services, network and configs in place (debugging)" },
  {
    name: 'max-bundle-size',
    kind: 'size',
    arg: 'SIZE',
    help: 'refuse test bundles larger than this (default 20MB)',
  },
  {
    name: 'server',
    kind: 'string',
    arg: 'URL',
    help: 'run on an ATQ server (atq serve) instead of the swarm: upload, queue, follow, download (default $ATQ_SERVER)',
  },
  {
    name: 'token',
    kind: 'string',
    arg: 'TOKEN',
    secret: true,
    help: "the server's bearer token (default $ATQ_TOKEN; never printed)",
  },
  {
    name: 'insecure-http',
    kind: 'bool',
    help: 'allow --server http:// to another machine with a token (anyone on the network path reads the token and the test files)',
  },
  { name: 'docker-host', kind: 'string', arg: 'URL', help: 'Docker API (default $DOCKER_HOST)' },
  {
    name: 'tls-ca',
    kind: 'string',
    arg: 'PATH|PEM',
    help: 'CA certificate (default $DOCKER_CERT_PATH/ca.pem)',
  },
  {
    name: 'tls-cert',
    kind: 'string',
    arg: 'PATH|PEM',
    help: 'client certificate (default $DOCKER_CERT_PATH/cert.pem)',
  },
  {
    name: 'tls-key',
    kind: 'string',
    arg: 'PATH|PEM',
    help: 'client key (default $DOCKER_CERT_PATH/key.pem)',
  },
  {
    name: 'insecure-plaintext',
    kind: 'bool',
    help: 'allow tcp:// without TLS (anyone on the path controls your engine)',
  },
];

export const FIELD_NAMES = new Set(FIELDS.map((f) => f.name));

export const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));
