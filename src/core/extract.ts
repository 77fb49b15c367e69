import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { AtqError } from '../errors.js';

export interface ExtractRule {
  /** Where an entry goes (absolute), or undefined to skip it with `why`. Checked for every entry. */
  target(name: string): { path?: string; why?: string };
  /** Create folder entries (even empty ones). */
  keepDirs?: boolean;
  onSkip?: (name: string, why: string) => void;
  /** Most bytes written in all (what a container wrote must not fill the disk it lands on). */
  maxBytes?: number;
}

/**
 * Extracts a container archive (Docker's tar of a path) into files: plain files (and folders, if asked)
 * only, each where `rule.target` puts it — never a link, never outside. Returns the paths written.
 */
export async function extractTar(archive: NodeJS.ReadableStream, rule: ExtractRule): Promise<string[]> {
  const written: string[] = [];
  let bytes = 0;
  const extract = tar.extract();
  // One counter per file, the total shared: a pipeline ends the streams it was given.
  const counter = () =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (rule.maxBytes !== undefined && bytes > rule.maxBytes) return done(tooMuch(rule.maxBytes));
        done(null, chunk);
      },
    });
  extract.on('entry', (header, stream, next) => {
    const { path: target, why } = rule.target(header.name);
    const skip = (reason?: string) => {
      if (reason) rule.onSkip?.(header.name, reason);
      stream.resume();
      stream.on('end', next);
    };
    if (!target) return skip(why);
    if (header.type === 'directory') {
      if (!rule.keepDirs) return skip();
      stream.resume();
      stream.on('end', () => mkdir(target, { recursive: true }).then(() => next(), next));
      return;
    }
    if (header.type !== 'file') return skip(`a ${header.type}, not a file`);
    mkdir(path.dirname(target), { recursive: true })
      .then(() => pipeline(stream, counter(), createWriteStream(target)))
      .then(() => {
        written.push(target);
        next();
      }, next);
  });
  await pipeline(archive, extract);
  return written;
}

function tooMuch(maxBytes: number): AtqError {
  return new AtqError(
    'RESULTS_INVALID',
    `The files to copy out are larger than ${Math.round(maxBytes / 1024 / 1024)} MB; the rest was not copied. ` +
      'Collect smaller files (or fewer paths).',
    { maxBytes },
  );
}
