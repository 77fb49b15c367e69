#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  EXIT_CODES,
  FIELDS,
  FIELD_BY_NAME,
  FINAL_STATES,
  FIND_JMETER,
  GATE_FORMS,
  JtlError,
  analyseJtl,
  baselineOf,
  baselineProblems,
  cleanupCommand,
  criteriaProblems,
  errorKind,
  guardSignals,
  loadRunOptions,
  outcome,
  parseField,
  parseGates,
  readLogs,
  readRunBaselines,
  resolveOptions,
  runLoadTest,
  tail,
  verdictLines,
  visibleLine,
  writeReports
} from "./atq-YCHENPWD.js";
import {
  AtqError,
  ConfigError,
  RUN_LABEL,
  RunResources,
  SwarmClient,
  connector,
  describeRun,
  errorMessage,
  formatDuration,
  isAtqError,
  newRunId,
  parseDuration,
  resolveConnection,
  runStates,
  silentLogger,
  sleep,
  sweep
} from "./atq-SF7YCWPY.js";
import "./atq-GPQQQQ6Q.js";

// src/cli/args.ts
import { parseArgs } from "node:util";
function runFlagSpec() {
  const spec = { config: { type: "string" }, help: { type: "boolean", short: "h" } };
  for (const f of FIELDS) {
    spec[f.name] = {
      type: f.kind === "bool" ? "boolean" : "string",
      multiple: f.kind === "list" || f.kind === "props" || f.kind === "criteria"
    };
  }
  return spec;
}
function parseFlags(argv, spec, positionals = 0) {
  try {
    const args = attachDashValues(argv, spec);
    const parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    if (parsed.positionals.length > positionals) {
      const extra = parsed.positionals.slice(positionals);
      throw new ConfigError([
        `unexpected argument(s): ${redactPem(extra.join(" "))} (options start with --)`
      ]);
    }
    return positionals ? { ...parsed.values, _: parsed.positionals } : parsed.values;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([
      `${redactPem(e.message).replace(/\.?\s*$/, "")}. A value that starts with "-" is given as --name=value (e.g. --jmeter-arg=-Lorg.apache.jmeter=DEBUG).`
    ]);
  }
}
function redactPem(text) {
  return text.replace(/-----BEGIN [\s\S]*?(?:-----END [^-]*-----|$)/g, "<PEM text>");
}
function attachDashValues(argv, spec) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return [...out, ...argv.slice(i)];
    const name = textOptionName(arg, spec);
    const next = argv[i + 1];
    if (name === void 0 || next === void 0) {
      out.push(arg);
    } else if (next.startsWith("-") && next !== "--" && !isOption(next, spec)) {
      out.push(`--${name}=${next}`);
      i++;
    } else if (!next.startsWith("-")) {
      out.push(arg, next);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
function textOptionName(arg, spec) {
  const name = arg.startsWith("--") ? arg.slice(2) : Object.keys(spec).find((n) => arg.length === 2 && spec[n]?.short === arg.slice(1));
  return name !== void 0 && spec[name]?.type === "string" ? name : void 0;
}
function isOption(arg, spec) {
  if (arg.startsWith("--")) return Object.hasOwn(spec, arg.slice(2).split("=")[0]);
  const shorts = new Set(Object.values(spec).map((o) => o.short));
  return arg.length > 1 && [...arg.slice(1)].every((c) => shorts.has(c));
}
function runHelp() {
  const rows = FIELDS.map((f) => {
    const left = `  --${f.name}${f.arg ? ` ${f.arg}` : ""}`;
    return `${left.padEnd(34)} ${f.help}`;
  });
  return [
    "Usage: atq run [--config atq.yml] [options]",
    "",
    "Runs the plan(s) on a Docker Swarm (DOCKER_HOST) with N JMeter workers and copies the results out.",
    "Every option can also be set in atq.yml under the same name.",
    "",
    `  --config FILE`.padEnd(34) + " options file (default ./atq.yml when present)",
    ...rows
  ].join("\n");
}

// src/cli/console.ts
function consoleLogger(stream = process.stderr) {
  const write = (text) => stream.write(text + "\n");
  return {
    info: (m) => write(`[atq] ${m}`),
    warn: (m) => write(`[atq] warning: ${m}`),
    output: (prefix, line) => write(`  ${prefix} | ${line}`),
    progress: (m) => write(`[atq] progress: ${m}`)
  };
}
function consoleListener(stream = process.stderr) {
  const log = consoleLogger(stream);
  return (e) => {
    if (e.type === "log") (e.level === "warn" ? log.warn : log.info)(e.message);
    else if (e.type === "output") log.output(e.source, visibleLine(e.line));
    else if (e.type === "progress") log.progress(e.message);
  };
}

// src/cli/exit.ts
var EXIT = {
  ok: EXIT_CODES.succeeded,
  error: EXIT_CODES.failed,
  gatesFailed: EXIT_CODES["gates-failed"],
  interrupted: EXIT_CODES.aborted
};
function reportError(e, write) {
  if (isAtqError(e)) {
    write(`atq: error [${e.code}]: ${e.message}`);
    if (e instanceof ConfigError) write("Run `atq help` for the options.");
    if (e.code === "INTERNAL" && typeof e.details.stack === "string") write(e.details.stack);
    return EXIT_CODES[errorKind(e)];
  }
  write(`atq: unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  write("This is a bug in atq; please report it with the output above.");
  return EXIT.error;
}

// src/cli/cleanup.ts
var CONNECTION_FLAGS = ["docker-host", "tls-ca", "tls-cert", "tls-key", "insecure-plaintext"];
function connectionFlagSpec() {
  return Object.fromEntries(
    CONNECTION_FLAGS.map((f) => [
      f,
      { type: f === "insecure-plaintext" ? "boolean" : "string" }
    ])
  );
}
function dockerOptionsFrom(flags, cwd) {
  const connection = Object.fromEntries(CONNECTION_FLAGS.map((f) => [f, flags[f]]));
  const { options, problems } = resolveOptions({}, { ...connection, image: "unused" }, cwd);
  if (!options) throw new ConfigError(problems);
  return options.docker;
}
var CLEANUP_HELP = `Usage: atq cleanup (--run ID | --all) [--older-than DURATION] [--force] [connection options]

Removes the services, containers, configs, secrets and networks labelled atq.run (by one run, or all),
e.g. after a run was killed with SIGKILL or run with --keep. Runs in progress (their lease was renewed
within the last minute: another pipeline on the same swarm) are left alone; --force removes them too.`;
async function cleanupCommand2(argv, cwd) {
  const flags = parseFlags(argv, {
    run: { type: "string" },
    all: { type: "boolean" },
    "older-than": { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    ...connectionFlagSpec()
  });
  if (flags.help) {
    process.stdout.write(CLEANUP_HELP + "\n");
    return EXIT.ok;
  }
  const problems = [];
  if (!flags.run === !flags.all) problems.push("give exactly one of --run ID or --all");
  let olderThanMs;
  if (flags["older-than"] !== void 0) {
    olderThanMs = parseDuration(String(flags["older-than"]));
    if (olderThanMs === void 0)
      problems.push(`older-than: "${String(flags["older-than"])}" is not a duration such as 2h`);
  }
  if (problems.length) throw new ConfigError(problems);
  const logger = consoleLogger();
  const client = await connector(dockerOptionsFrom(flags, cwd))();
  const runId = flags.run;
  const result = await sweep(client, { runId, olderThanMs, force: Boolean(flags.force) }, logger);
  for (const r of result.forced) logger.warn(`--force: removing a run in progress: ${describeRun(r)}`);
  for (const o of result.removed) logger.info(`removed ${o.kind} ${o.name || o.id.slice(0, 12)}`);
  for (const r of result.skipped) {
    logger.info(`left alone: ${describeRun(r)}; if its process is gone, add --force (or wait a minute)`);
  }
  logger.info(
    `removed ${result.removed.length} object(s)` + (result.skipped.length ? `; left ${result.skipped.length} run(s) in progress alone` : "") + (result.failed.length ? `; ${result.failed.length} could not be removed` : "")
  );
  return result.failed.length || runId && result.skipped.length ? EXIT.error : EXIT.ok;
}

// src/cli/doctor.ts
import { randomBytes } from "node:crypto";
var DOCTOR_HELP = `Usage: atq doctor [--image IMG]... [connection options]

Checks the connection (DOCKER_HOST, TLS), that the engine is a swarm manager, the nodes, leftovers of
earlier runs, and with --image that every node can run that image and finds jmeter in it.`;
var PROBE_JMETER = `${FIND_JMETER} | grep .`;
async function doctorCommand(argv, cwd, signal) {
  const flags = parseFlags(argv, {
    image: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
    ...connectionFlagSpec()
  });
  if (flags.help) {
    process.stdout.write(DOCTOR_HELP + "\n");
    return EXIT.ok;
  }
  let failures = 0;
  const say = (ok, text) => {
    if (ok === false) failures++;
    process.stdout.write(`${ok === true ? "ok  " : ok === "warn" ? "warn" : "FAIL"}  ${text}
`);
  };
  let client;
  try {
    const conn = resolveConnection(dockerOptionsFrom(flags, cwd));
    say(
      true,
      `connection: ${conn.url}${conn.protocol === "https" ? " (TLS)" : conn.socketPath ? " (local socket)" : " (PLAINTEXT)"}`
    );
    client = SwarmClient.open(conn);
  } catch (e) {
    say(false, errorMessage(e));
    return EXIT.error;
  }
  try {
    const info = await client.info();
    say(true, `engine: Docker ${info.serverVersion}, API ${info.apiVersion}`);
    if (info.localNodeState !== "active" || !info.isManager) {
      say(
        false,
        `swarm: this engine is ${info.localNodeState === "active" ? "a worker node" : `not in a swarm (${info.localNodeState})`}; atq needs a manager`
      );
      return EXIT.error;
    }
    say(true, `swarm: manager node ${info.nodeId.slice(0, 12)}, ${info.nodes} node(s)`);
    for (const n of await client.nodes()) {
      const usable = n.state === "ready" && n.availability === "active";
      say(usable ? true : "warn", `node ${n.hostname} (${n.role}, ${n.addr}): ${n.state}, ${n.availability}`);
    }
    const runs = runStates(await client.listLabelled(RUN_LABEL), info.systemTime);
    for (const r of runs.filter((r2) => r2.live)) say(true, `in progress: ${describeRun(r)}`);
    const dead = runs.filter((r) => !r.live);
    for (const r of dead) say("warn", `leftover: ${describeRun(r)}`);
    say(
      dead.length ? "warn" : true,
      dead.length ? `leftovers: ${dead.length} run(s) no longer alive; remove them with atq cleanup --all (runs in progress are left alone)` : "leftovers: none"
    );
    for (const image of flags.image ?? []) {
      for (const line of await probeImage(client, image, signal)) say(line.ok, line.text);
    }
  } catch (e) {
    if (e instanceof AtqError && e.code === "RUN_ABORTED") throw e;
    say(false, e instanceof AtqError ? e.message : errorMessage(e));
  }
  return failures ? EXIT.error : EXIT.ok;
}
async function probeImage(client, image, signal) {
  const resources = new RunResources(client, `doctor-${randomBytes(3).toString("hex")}`, silentLogger);
  const name = `atq-${resources.runId}`;
  try {
    await resources.acquireLease(() => {
    });
    const id = await client.createService({
      name,
      image,
      labels: resources.labels("doctor"),
      command: ["sh", "-c", PROBE_JMETER],
      env: {},
      replicas: 1,
      global: true,
      networks: [],
      configs: [],
      secrets: []
    });
    resources.track("service", id, name);
    const nodeList = await client.nodes();
    const nodes = new Map(nodeList.map((n) => [n.id, n.hostname]));
    const ready = nodeList.filter((n) => n.state === "ready" && n.availability === "active").length;
    const deadline = Date.now() + 9e4;
    for (; ; ) {
      const tasks = await client.tasks(id);
      const done = tasks.filter((t) => FINAL_STATES.has(t.state));
      if (done.length >= ready && tasks.length >= ready || Date.now() > deadline) {
        const lines = [];
        for (const t of tasks) {
          const where = nodes.get(t.nodeId) ?? t.nodeId.slice(0, 12);
          const ok = t.state === "complete" && t.exitCode === 0;
          const out = tail(await readLogs(client, "task", t.id), 1);
          lines.push({
            ok,
            text: ok ? `image ${image} on ${where}: jmeter at ${out}` : `image ${image} on ${where}: ${t.state}${t.error ? ` (${t.error})` : ""}${t.exitCode ? `, no jmeter on PATH or in /opt/apache-jmeter*` : ""}`
          });
        }
        return lines.length ? lines : [{ ok: false, text: `image ${image}: no node ran the probe within 90s` }];
      }
      await sleep(1e3, signal);
    }
  } finally {
    await resources.dispose();
  }
}

// src/cli/report.ts
import path from "node:path";
var REPORT_HELP = `Usage: atq report <results.jtl> [--criteria GATE]... [--baseline PATH] [--baseline-missing fail|skip]
                  [--out DIR] [--percentile N]...

Analyses any JMeter results file (CSV or XML JTL) as atq run does: exact statistics, gates, and
summary.json, summary.md, junit.xml, report.html (+ report.css) in --out (default: the JTL's folder).
Exit code 3 when a gate fails. --baseline: a summary.json of an earlier run, or a folder of its results;
--baseline-missing skip: gates on the baseline are skipped, with a warning, when there is none.

Gates: ${GATE_FORMS.join("\n       ")}`;
async function reportCommand(argv, cwd) {
  const flags = parseFlags(
    argv,
    {
      criteria: { type: "string", multiple: true },
      baseline: { type: "string" },
      "baseline-missing": { type: "string" },
      out: { type: "string" },
      percentile: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" }
    },
    1
  );
  if (flags.help) {
    process.stdout.write(REPORT_HELP + "\n");
    return EXIT.ok;
  }
  const problems = [];
  const [jtl] = flags._;
  if (!jtl) problems.push("give the results file to analyse: atq report results.jtl");
  const { gates, problems: gateProblems } = parseGates(flags.criteria ?? []);
  problems.push(...criteriaProblems(gateProblems));
  const missingFlag = flags["baseline-missing"];
  const mode = missingFlag === void 0 ? "fail" : missingFlag;
  if (missingFlag !== void 0)
    problems.push(...parseField(FIELD_BY_NAME.get("baseline-missing"), missingFlag).problems);
  if (!flags.baseline && mode !== "skip") problems.push(...baselineProblems(gates));
  const percentiles = (flags.percentile ?? []).map((p) => {
    const n = Number(p.replace(/^p/i, ""));
    if (!(n >= 0 && n <= 100)) problems.push(`percentile: "${p}" is not a number from 0 to 100`);
    return n / 100;
  });
  const baselines = await readRunBaselines(
    {
      baselineFile: flags.baseline ? path.resolve(cwd, flags.baseline) : void 0,
      baselineMissing: mode === "skip" ? "skip" : "fail"
    },
    { warn: (m) => process.stderr.write(`warning: ${m}
`) }
  ).catch((e) => {
    problems.push(e.message);
    return void 0;
  });
  if (problems.length) throw new ConfigError(problems);
  const file = path.resolve(cwd, jtl);
  const { baseline, missing } = baselineOf(baselines, "", 1);
  let summary;
  try {
    summary = await analyseJtl(file, { gates, baseline, baselineMissing: missing, percentiles });
  } catch (e) {
    if (e instanceof JtlError)
      throw new AtqError("RESULTS_INVALID", `Cannot analyse ${e.message}`, { file: e.file, line: e.line });
    throw e;
  }
  const out = path.resolve(cwd, flags.out ?? path.dirname(file));
  await writeReports(out, summary);
  for (const line of verdictLines(summary, path.basename(file))) process.stderr.write(line + "\n");
  process.stderr.write(`reports in ${out}
`);
  return summary.verdict === "failed" ? EXIT.gatesFailed : EXIT.ok;
}

// src/cli/run.ts
async function runCommand(argv, cwd, signals) {
  const write = (t) => process.stderr.write(t + "\n");
  const { config, help, ...flags } = parseFlags(argv, runFlagSpec());
  if (help) {
    process.stdout.write(runHelp() + "\n");
    return EXIT.ok;
  }
  const configFile = typeof config === "string" ? config : void 0;
  const opts = await loadRunOptions({ values: flags, configFile, cwd });
  const runId = newRunId();
  signals.hint = () => `Remove the leftovers with: ${cleanupCommand(runId, opts.docker.host)}`;
  const { report, error } = await runLoadTest(opts, {
    connect: connector(opts.docker),
    onEvent: consoleListener(),
    signal: signals.signal,
    runId
  });
  const logger = consoleLogger();
  const stages = Object.entries(report.stages).map(([k, v]) => `${k} ${formatDuration(v)}`).join(", ");
  logger.info(`stages: ${stages}`);
  logger.info(`run ${report.runId} ${report.status}; results in ${report.outDir}`);
  process.stdout.write(
    JSON.stringify({
      runId: report.runId,
      status: report.status,
      verdict: report.verdict ?? null,
      outDir: report.outDir
    }) + "\n"
  );
  const result = outcome(report, error);
  if (error) reportError(error, write);
  else if (result.kind === "gates-failed") {
    write(
      `atq: performance gates failed (exit code ${result.exitCode}); see summary.md in the results folder.`
    );
  }
  return result.exitCode;
}

// src/cli/main.ts
var HELP = `atq: run JMeter load tests on your Docker Swarm, from CI

Commands:
  atq run       run the plan(s) on N workers and copy the results out   (atq run --help)
  atq cleanup   remove what runs left on the swarm                      (atq cleanup --help)
  atq report    analyse a JTL: statistics, gates, reports               (atq report --help)
  atq doctor    check the connection, the swarm and the images          (atq doctor --help)

Exit codes: 0 success, 1 error, 3 performance gates failed, 130 interrupted.`;
async function main(argv, early = [], installed = () => {
}) {
  const [command, ...rest] = argv;
  const cwd = process.cwd();
  const guarded = command === "run" || command === "doctor";
  const signals = guardSignals((t) => process.stderr.write(t + "\n"), early, {
    exitAtOnce: !guarded,
    stopping: command === "doctor" ? "removing the image probe" : void 0
  });
  installed();
  if (!guarded && early.length) return EXIT.interrupted;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, cwd, signals);
      case "cleanup":
        return await cleanupCommand2(rest, cwd);
      case "doctor":
        return await doctorCommand(rest, cwd, signals.signal);
      case "report":
        return await reportCommand(rest, cwd);
      case void 0:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(
          `${HELP}

${runHelp()}

${CLEANUP_HELP}

${REPORT_HELP}

${DOCTOR_HELP}
`
        );
        return EXIT.ok;
      default:
        process.stderr.write(`atq: unknown command "${command}"; use run, cleanup or doctor (atq help)
`);
        return EXIT.error;
    }
  } catch (e) {
    return reportError(e, (t) => process.stderr.write(t + "\n"));
  } finally {
    signals.dispose();
  }
}
export {
  main
};
