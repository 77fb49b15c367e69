#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  EXIT_CODES,
  FIELDS,
  errorKind,
  inertLine,
  liveLabelLines,
  liveLine,
  resolveOptions
} from "./atq-MZDMUS7Q.js";
import {
  ConfigError,
  connector,
  describeRun,
  isAtqError,
  parseDuration,
  sweep
} from "./atq-U6OLYAHZ.js";

// src/cli/args.ts
import { parseArgs } from "node:util";
function runFlagSpec() {
  const spec = { config: { type: "string" }, help: { type: "boolean", short: "h" } };
  for (const f of FIELDS) {
    spec[f.name] = {
      type: f.kind === "bool" ? "boolean" : "string",
      multiple: f.kind === "list" || f.kind === "props" || f.kind === "criteria" || f.kind === "auto-stop"
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
function consoleListener(stream = process.stderr, opts = {}) {
  const log = consoleLogger(stream);
  return (e) => {
    if (e.type === "log") (e.level === "warn" ? log.warn : log.info)(e.message);
    else if (e.type === "output") log.output(inertLine(e.source), inertLine(e.line));
    else if (e.type === "progress") log.progress(e.message);
    else if (e.type === "auto-stop") log.warn(`auto-stop: ${inertLine(e.message)}`);
    else if (e.type === "live") {
      stream.write(`[atq] ${inertLine(liveLine(e.snapshot))}
`);
      if (opts.labels) for (const l of liveLabelLines(e.snapshot)) stream.write(`[atq] ${inertLine(l)}
`);
    }
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
async function cleanupCommand(argv, cwd) {
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

export {
  runFlagSpec,
  parseFlags,
  runHelp,
  consoleLogger,
  consoleListener,
  EXIT,
  reportError,
  connectionFlagSpec,
  dockerOptionsFrom,
  CLEANUP_HELP,
  cleanupCommand
};
