#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  CLEANUP_HELP,
  EXIT,
  cleanupCommand,
  connectionFlagSpec,
  consoleListener,
  consoleLogger,
  dockerOptionsFrom,
  parseFlags,
  reportError,
  runFlagSpec,
  runHelp
} from "./atq-IJ37RETO.js";
import {
  UNTRUSTED_ENV,
  envValues,
  guardSignals,
  loadRunOptions,
  runAnywhere
} from "./atq-KWEIST4D.js";
import {
  DEFAULTS,
  FIELD_BY_NAME,
  FINAL_STATES,
  FIND_JMETER,
  GATE_FORMS,
  JtlError,
  analyseJtl,
  baselineOf,
  baselineProblems,
  cleanupHint,
  criteriaProblems,
  inertLine,
  outcome,
  parseConfidence,
  parseField,
  parseGates,
  readLogs,
  readRunBaselines,
  tail,
  trendLines,
  verdictLines,
  writeReports
} from "./atq-MZDMUS7Q.js";
import {
  AtqError,
  ConfigError,
  DockerSwarmClient,
  RUN_LABEL,
  RunResources,
  describeRun,
  errorMessage,
  formatDuration,
  newRunId,
  resolveConnection,
  runStates,
  silentLogger,
  sleep
} from "./atq-U6OLYAHZ.js";
import "./atq-GPQQQQ6Q.js";

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
    client = DockerSwarmClient.open(conn);
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
                  [--baseline-runs 10] [--confidence 95%] [--inconclusive pass|fail]
                  [--out DIR] [--percentile N]...

Analyses any JMeter results file (CSV or XML JTL) as atq run does: exact statistics, gates, and
summary.json, summary.md, junit.xml, report.html (+ report.css) in --out (default: the JTL's folder).
Exit code 3 when a gate fails. --baseline: a summary.json of an earlier run, or a folder of earlier runs'
results (their newest --baseline-runs are the history baseline gates are judged against: passed, failed or
inconclusive at --confidence; see docs/statistics.md); --baseline-missing skip: gates on the baseline are
skipped, with a warning, when there is none.

Gates: ${GATE_FORMS.join("\n       ")}`;
async function reportCommand(argv, cwd) {
  const flags = parseFlags(
    argv,
    {
      criteria: { type: "string", multiple: true },
      baseline: { type: "string" },
      "baseline-missing": { type: "string" },
      "baseline-runs": { type: "string" },
      confidence: { type: "string" },
      inconclusive: { type: "string" },
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
  const judging = judgingFlags(flags, problems);
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
  const { history, missing } = baselineOf(baselines, "", 1, judging.runs);
  let summary;
  try {
    summary = await analyseJtl(file, {
      gates,
      history,
      baselineMissing: missing,
      percentiles,
      confidence: judging.confidence,
      inconclusive: judging.inconclusive
    });
  } catch (e) {
    if (e instanceof JtlError)
      throw new AtqError("RESULTS_INVALID", `Cannot analyse ${e.message}`, { file: e.file, line: e.line });
    throw e;
  }
  const out = path.resolve(cwd, flags.out ?? path.dirname(file));
  await writeReports(out, summary);
  for (const line of [...verdictLines(summary, path.basename(file)), ...trendLines(summary)])
    process.stderr.write(line + "\n");
  process.stderr.write(`reports in ${out}
`);
  return summary.verdict === "failed" ? EXIT.gatesFailed : EXIT.ok;
}
function judgingFlags(flags, problems) {
  const field = (name) => {
    if (flags[name] === void 0) return void 0;
    const parsed = parseField(FIELD_BY_NAME.get(name), flags[name]);
    problems.push(...parsed.problems);
    return parsed.value;
  };
  const confidence = flags.confidence === void 0 ? DEFAULTS.confidence : parseConfidence(flags.confidence);
  if (confidence === void 0)
    problems.push(
      `confidence: ${JSON.stringify(flags.confidence)} is not a confidence from 80% to 99.9%; use e.g. 95% or 0.99`
    );
  return {
    runs: field("baseline-runs") ?? DEFAULTS.baselineRuns,
    confidence: confidence ?? DEFAULTS.confidence,
    inconclusive: field("inconclusive") === "fail" ? "fail" : "pass"
  };
}

// src/cli/untrusted.ts
var STEP_PARAMETER = {
  token: "tokenCredentialsId",
  "tls-ca": "dockerCredentialsId",
  "tls-cert": "dockerCredentialsId",
  "tls-key": "dockerCredentialsId"
};
var camel = (name) => name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
function untrustedFromEnv(env) {
  if (!env[UNTRUSTED_ENV]) return void 0;
  return {
    because: `the workspace is untrusted here (${UNTRUSTED_ENV} is set, as the Jenkins step runLoadTest does)`,
    instead: (options) => {
      const params = [...new Set(options.map((o) => STEP_PARAMETER[o] ?? camel(o)))];
      return `the runLoadTest step's parameters (${params.join(", ")}) or flags (${options.map((o) => `--${o}`).join(", ")})`;
    }
  };
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
  const values = { ...envValues(process.env), ...flags };
  const opts = await loadRunOptions({ values, configFile, cwd, untrusted: untrustedFromEnv(process.env) });
  const runId = newRunId();
  signals.hint = () => opts.server ? "" : `Remove the leftovers with: ${cleanupHint(runId, opts.docker.host)}`;
  const auth = opts.server?.token ? ' -H "Authorization: Bearer $ATQ_TOKEN"' : "";
  const { report, error } = await runAnywhere(opts, {
    onEvent: consoleListener(process.stderr, { labels: opts.progressLabels }),
    signal: signals.signal,
    runId,
    onTask: (_id, url) => {
      signals.hint = () => `The task may still run on the server; cancel it with: curl -X DELETE${auth} ${url}`;
    }
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
      outDir: report.outDir,
      // Only when they happened: why a verdict may not be what it seems.
      ...report.autoStop && { autoStop: inertLine(report.autoStop.message) },
      ...report.unreliable && { unreliable: report.unreliable.workers.map((w) => inertLine(w)) }
    }) + "\n"
  );
  const result = outcome(report, error);
  if (error) reportError(error, write);
  else if (result.kind === "gates-failed") {
    const what = report.autoStop ? `auto-stop ${inertLine(report.autoStop.message)}` : "performance gates failed";
    write(`atq: ${what} (exit code ${result.exitCode}); see summary.md in the results folder.`);
  }
  return result.exitCode;
}

// src/version.ts
var VERSION = "0.1.0";

// src/cli/main.ts
var HELP = `atq: run JMeter load tests on your Docker Swarm, from CI

Commands:
  atq run       run the plan(s) on N workers and copy the results out   (atq run --help)
  atq cleanup   remove what runs left on the swarm                      (atq cleanup --help)
  atq report    analyse a JTL: statistics, gates, reports               (atq report --help)
  atq doctor    check the connection, the swarm and the images          (atq doctor --help)
  atq serve     the ATQ service: REST API, queue and page for the swarm   (atq serve --help)

Exit codes: 0 success, 1 error, 3 performance gates failed, 130 interrupted. atq --version prints the version.`;
async function main(argv, early = [], installed = () => {
}) {
  const [command, ...rest] = argv;
  const cwd = process.cwd();
  const guarded = command === "run" || command === "doctor" || command === "serve";
  const signals = guardSignals((t) => process.stderr.write(t + "\n"), early, {
    exitAtOnce: !guarded,
    stopping: command === "doctor" ? "removing the image probe" : command === "serve" ? "stopping the server, aborting and cleaning up running tasks" : void 0
  });
  installed();
  if (!guarded && early.length) return EXIT.interrupted;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, cwd, signals);
      case "cleanup":
        return await cleanupCommand(rest, cwd);
      case "doctor":
        return await doctorCommand(rest, cwd, signals.signal);
      case "report":
        return await reportCommand(rest, cwd);
      case "serve": {
        const { serveCommand } = await import("./atq-LKVVXXMS.js");
        return await serveCommand(rest, cwd, signals.signal, VERSION);
      }
      case "version":
      case "--version":
      case "-V":
        process.stdout.write(`atq ${VERSION}
`);
        return EXIT.ok;
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
        process.stderr.write(
          `atq: unknown command "${command}"; use run, cleanup, report, doctor or serve (atq help)
`
        );
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
