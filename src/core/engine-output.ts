import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { AtqError } from '../errors.js';
import { FrameParser } from '../jmeter/frames.js';
import { isLiveLine } from '../jmeter/live-lines.js';
import { isHealthLine } from '../jmeter/health-script.js';
import { findFatalLine } from '../jmeter/log-check.js';

/** Bytes written so far against a cap shared by every file of a run's results (undefined: no cap). */
export interface ByteBudget {
  used: number;
  max?: number;
}

export interface EngineFiles {
  /** The engine's console output. */
  console: string;
  /** Its jmeter.log, from the `log` frame. */
  log: string;
  /** Its JTL, from the `jtl` frame (merged into the plan's results.jtl afterwards). */
  jtl: string;
}

/** What an engine's output says about how it ran, for the run's checks: bounded, whatever it printed. */
export interface EngineReport {
  /** The first line of its jmeter.log (else its console) that shows the plan could not run as written. */
  fatal?: string;
  /** The console's last lines. */
  lastLines: string[];
  /** Whether it framed a JTL. */
  jtl: boolean;
  /** Frames that began and never ended (the container was killed while printing). */
  truncated: string[];
}

const LAST_LINES = 20;

/**
 * Streams one engine's output (its logs, as the manager serves them) to files: the console as it is, each
 * frame inflated into its own file. Nothing is held whole in memory, and every inflated byte counts against
 * `budget`: a few hundred KB of gzip can claim gigabytes. Over budget, it throws RESULTS_INVALID.
 */
export async function saveEngineOutput(
  lines: AsyncIterable<string>,
  files: EngineFiles,
  budget: ByteBudget,
): Promise<EngineReport> {
  const parser = new FrameParser();
  const report: EngineReport = { lastLines: [], jtl: false, truncated: [] };
  let consoleFatal: string | undefined;
  const consoleOut = createWriteStream(files.console);
  const open = new Map<string, InflatedFile>();
  try {
    for await (const line of lines) {
      const part = parser.line(line);
      // The live follower's rows were counted while the run went on; they are in the framed JTL anyway.
      if (part.kind === 'console' && isLiveLine(line)) continue;
      if (part.kind === 'console') {
        await write(consoleOut, count(budget, Buffer.from(line + '\n')));
        consoleFatal ??= findFatalLine(line);
        // The health sampler's lines (every 2 s) would bury the engine's last words.
        if (!isHealthLine(line)) report.lastLines.push(line);
        if (report.lastLines.length > LAST_LINES) report.lastLines.shift();
      } else if (part.kind === 'begin' && (part.frame === 'jtl' || part.frame === 'log')) {
        await open.get(part.frame)?.close();
        const onLine = part.frame === 'log' ? (l: string) => (report.fatal ??= findFatalLine(l)) : undefined;
        open.set(part.frame, new InflatedFile(files[part.frame], budget, onLine));
      } else if (part.kind === 'data') {
        await open.get(part.frame)?.write(part.bytes);
      } else if (part.kind === 'end' && open.has(part.frame)) {
        await (open.get(part.frame) as InflatedFile).close();
        open.delete(part.frame);
        if (part.frame === 'jtl') report.jtl = true;
      }
    }
  } finally {
    // A frame cut short (the container was killed): what was inflated so far stays.
    for (const [frame, file] of open) {
      report.truncated.push(frame);
      await file.close().catch(() => {});
    }
    consoleOut.end();
    await once(consoleOut, 'close').catch(() => {});
  }
  report.fatal ??= consoleFatal;
  return report;
}

/** A frame's gzip stream, inflated into a file as it comes, its lines optionally seen on the way. */
class InflatedFile {
  private readonly gunzip: Gunzip = createGunzip();
  private readonly done: Promise<void>;

  constructor(file: string, budget: ByteBudget, onLine?: (line: string) => void) {
    let rest = '';
    // (a chunk may end inside a multi-byte character: the decoder keeps its first bytes for the next one)
    const decoder = new StringDecoder('utf8');
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        try {
          count(budget, chunk);
        } catch (e) {
          return cb(e as Error);
        }
        if (onLine) {
          const text = rest + decoder.write(chunk);
          const parts = text.split('\n');
          rest = (parts.pop() as string).slice(-64 * 1024);
          parts.forEach(onLine);
        }
        cb(null, chunk);
      },
    });
    this.done = pipeline(this.gunzip, meter, createWriteStream(file));
    this.done.catch(() => {}); // seen by write() and close()
  }

  async write(bytes: Buffer): Promise<void> {
    if (!this.gunzip.write(bytes)) await Promise.race([once(this.gunzip, 'drain'), this.done]);
  }

  async close(): Promise<void> {
    this.gunzip.end();
    await this.done;
  }
}

function count(budget: ByteBudget, chunk: Buffer): Buffer {
  budget.used += chunk.length;
  if (budget.max !== undefined && budget.used > budget.max)
    throw new AtqError(
      'RESULTS_INVALID',
      `The engines' results are larger than the ${Math.round(budget.max / 1024 / 1024)} MB this run may keep; ` +
        'the rest was not copied. Record fewer samples (a shorter run, fewer labels or sub-results), ' +
        "or ask the server's operator to raise --max-results.",
      { maxBytes: budget.max },
    );
  return chunk;
}

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * The engines' JTLs as one: the first file's header, then every file's rows, streamed (each file's first
 * line is its header). The part files are removed.
 */
export async function mergeJtls(parts: string[], dest: string): Promise<void> {
  const out = createWriteStream(dest);
  try {
    for (const [i, part] of parts.entries()) {
      await pipeline(createReadStream(part), i === 0 ? passThrough() : withoutFirstLine(), out, {
        end: false,
      });
    }
  } finally {
    out.end();
    await once(out, 'close').catch(() => {});
    await Promise.all(parts.map((p) => rm(p, { force: true })));
  }
}

const passThrough = () => new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });

function withoutFirstLine(): Transform {
  let skipping = true;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!skipping) return cb(null, chunk);
      const nl = chunk.indexOf(10);
      if (nl < 0) return cb();
      skipping = false;
      cb(null, chunk.subarray(nl + 1));
    },
  });
}
