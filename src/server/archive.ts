import { chmod, mkdir, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';

/**
 * Receives an uploaded zip or tar.gz of test files without trusting anything in it: names are checked
 * before anything is written, links and devices are refused, and sizes are counted as bytes come out of
 * the decompressor (declared sizes are only used to refuse early, never to accept).
 */

export interface ArchiveLimits {
  /** Entries of any kind (files, folders, refused ones): each costs work to read. */
  maxEntries: number;
  /** Uncompressed bytes of all files together. */
  maxTotalBytes: number;
  /** Uncompressed bytes of one file. */
  maxEntryBytes?: number;
}

export interface ExtractedFile {
  /** posix, relative to dest */
  path: string;
  size: number;
}

/** One entry as a format reader sees it: a plain file or folder, or something refused outright. */
type Entry = { name: string; type: 'file' | 'directory'; size: number } | { name: string; refused: string };

/** Ends the extraction at once: reading on would cost more than the limits allow. */
class Stop extends Error {}

const MAX_SEGMENT_BYTES = 255;
/** Well under Linux's 4096, so a deep path is refused by name rather than failing as a disk error. */
const MAX_PATH_BYTES = 1024;
const MAX_LISTED = 50;

/**
 * Extracts `data` into `dest` (which must not exist or be empty). On any refusal nothing is left in dest:
 * the files go to a temporary folder next to it, renamed to dest only once everything was accepted.
 */
export async function extractArchive(
  data: Buffer,
  dest: string,
  limits: ArchiveLimits,
): Promise<ExtractedFile[]> {
  const read = readerFor(data);
  await ensureEmpty(dest);
  const tmp = await makeTemp(dest);
  try {
    const x = new Extraction(tmp, limits);
    await x.run(() => read(data, x));
    await rename(tmp, dest);
    return x.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (isAtqError(e)) throw e;
    throw fileAccessError(
      e,
      'extract the uploaded archive',
      'Check the free space and permissions of the data folder.',
    );
  }
}

/** The reader for the format named by the first bytes: a file's extension or content type can lie. */
function readerFor(data: Buffer): (data: Buffer, x: Extraction) => Promise<void> {
  const head = data.subarray(0, 4);
  if (head.equals(Buffer.from('PK\x03\x04', 'latin1')) || head.equals(Buffer.from('PK\x05\x06', 'latin1')))
    return readZip;
  if (head[0] === 0x1f && head[1] === 0x8b) return readTarGz;
  const seen = data.length
    ? `it starts with the bytes ${head.toString('hex').replace(/(..)(?!$)/g, '$1 ')}`
    : 'it is empty';
  const problem = `the upload is neither a zip nor a tar.gz archive (${seen})`;
  throw new AtqError(
    'UPLOAD_INVALID',
    `Cannot accept the upload: ${problem}. Pack the test files as .zip or .tar.gz.`,
    {
      problems: [problem],
    },
  );
}

async function ensureEmpty(dest: string): Promise<void> {
  const entries = await readdir(dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw fileAccessError(e, 'read the folder for the upload');
  });
  if (entries.length)
    throw new AtqError(
      'FILE_ACCESS',
      `Cannot extract the upload into ${dest}: the folder is not empty. Use a new folder.`,
      {
        path: dest,
      },
    );
}

async function makeTemp(dest: string): Promise<string> {
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = await mkdtemp(path.join(path.dirname(dest), `.${path.basename(dest)}.part-`));
    // mkdtemp makes it 0700; the files are read by whoever runs the tasks.
    await chmod(tmp, 0o755);
    return tmp;
  } catch (e) {
    throw fileAccessError(e, 'create a folder for the upload', 'Check the permissions of the data folder.');
  }
}

/** Why a name cannot be written under the root, or undefined when it can. */
function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'its name contains a NUL character';
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(name)) return 'its name contains control characters';
  if (name.includes('\\')) return 'its name contains a backslash (folders must be separated with /)';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'it names a Windows drive';
  const parts = name.split('/');
  // Any "..", even one that would stay inside, is refused: no honest archiver writes it.
  if (parts.includes('..')) return 'its path climbs out with ".."';
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return `its path is longer than ${MAX_PATH_BYTES} bytes`;
  if (parts.some((p) => Buffer.byteLength(p) > MAX_SEGMENT_BYTES))
    return `a part of its path is longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/** "a//./b/" → "a/b"; "" for the root itself. */
function normalise(name: string): string {
  return name
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

function quote(name: string): string {
  return JSON.stringify(name);
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** The bookkeeping shared by both formats: names seen, counts, problems, and the files written. */
class Extraction {
  readonly problems: string[] = [];
  readonly files: ExtractedFile[] = [];
  private readonly kinds = new Map<string, 'file' | 'directory'>();
  private entries = 0;
  private declared = 0;
  private written = 0;

  constructor(
    readonly root: string,
    readonly limits: ArchiveLimits,
  ) {}

  /** Runs a format reader and turns what it found into one UPLOAD_INVALID listing every problem. */
  async run(read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    if (!this.problems.length && !this.files.length) this.problems.push('the archive holds no files');
    if (this.problems.length) throw uploadInvalid(this.problems);
  }

  /** Records a problem that makes reading on pointless or too costly, and stops. */
  stop(problem: string): Stop {
    // The byte limit can be seen by both the gunzip counter and the file writer: list it once.
    if (!this.problems.includes(problem)) this.problems.push(problem);
    return new Stop(problem);
  }

  /** Stops on a damaged archive, keeping the problems found so far. */
  damaged(format: string, e: unknown): Stop {
    return this.stop(`the ${format} archive is damaged or truncated (${errorMessage(e)})`);
  }

  tooLarge(): Stop {
    return this.stop(
      `the archive inflates to more than ${bytes(this.limits.maxTotalBytes)}, the most this server accepts in one upload`,
    );
  }

  tooMany(count?: number): Stop {
    const max = this.limits.maxEntries;
    return this.stop(
      count === undefined
        ? `the archive holds more than ${max} entries, the most this server accepts`
        : `the archive holds ${count} entries; at most ${max} are accepted`,
    );
  }

  /**
   * Checks an entry before any of its bytes are read. Returns the path to write it at, or undefined when it
   * is refused (the problem is recorded) or when earlier problems already doom the upload.
   */
  admit(e: Entry): string | undefined {
    if (++this.entries > this.limits.maxEntries) throw this.tooMany();
    if ('refused' in e) return this.refuse(e.name, e.refused);
    const why = unsafeName(e.name) ?? this.clash(e);
    if (why) return this.refuse(e.name, why);
    const rel = normalise(e.name);
    this.claim(rel, e.type);
    if (e.type === 'file') this.declared += e.size;
    if (this.declared > this.limits.maxTotalBytes) throw this.tooLarge();
    // Keep reading names to list every problem, but write nothing more once the upload is refused.
    return this.problems.length ? undefined : rel;
  }

  private refuse(name: string, why: string): undefined {
    this.problems.push(`${quote(name)}: ${why}`);
    return undefined;
  }

  /** A name that cannot coexist with the entries already seen, or is too big by its own account. */
  private clash(e: { name: string; type: 'file' | 'directory'; size: number }): string | undefined {
    const rel = normalise(e.name);
    if (!rel) return e.type === 'file' ? 'it has no name' : undefined;
    const before = this.kinds.get(rel);
    if (before === 'file')
      return e.type === 'file' ? 'the archive holds this path twice' : 'it is also a file';
    if (before === 'directory' && e.type === 'file') return 'the archive holds a folder with the same path';
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.kinds.get(parent) === 'file') return `${quote(parent)} is a file in the archive, not a folder`;
    }
    const max = this.limits.maxEntryBytes;
    if (e.type === 'file' && max !== undefined && e.size > max)
      return `it is ${bytes(e.size)}, more than the ${bytes(max)} accepted for one file`;
    return undefined;
  }

  private claim(rel: string, type: 'file' | 'directory'): void {
    if (!rel) return;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) this.kinds.set(parts.slice(0, i).join('/'), 'directory');
    this.kinds.set(rel, type);
  }

  async directory(rel: string): Promise<void> {
    if (rel) await mkdir(path.join(this.root, rel), { recursive: true });
  }

  /**
   * Writes one file, counting the bytes as they come out of the decompressor. Stops reading as soon as a
   * limit is passed, so a lying size field cannot make it write more than the limits. The source is opened
   * only once the file is ready: a decompressor failing on its first chunk must find the loop listening.
   */
  async file(rel: string, name: string, openSource: () => Promise<AsyncIterable<Buffer>>): Promise<void> {
    const target = path.join(this.root, rel);
    await mkdir(path.dirname(target), { recursive: true });
    const fh = await open(target, 'wx', 0o644);
    const max = this.limits.maxEntryBytes ?? Infinity;
    let size = 0;
    try {
      for await (const chunk of await openSource()) {
        size += chunk.length;
        this.written += chunk.length;
        if (this.written > this.limits.maxTotalBytes) throw this.tooLarge();
        if (size > max) {
          this.problems.push(
            `${quote(name)}: it inflates to more than the ${bytes(max)} accepted for one file`,
          );
          return;
        }
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    this.files.push({ path: rel, size });
  }
}

export function uploadInvalid(problems: string[]): AtqError {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p}`);
  if (problems.length > MAX_LISTED) listed.push(`  - … and ${problems.length - MAX_LISTED} more`);
  return new AtqError(
    'UPLOAD_INVALID',
    `The uploaded archive cannot be accepted:\n${listed.join('\n')}\n` +
      'Pack only plain files and folders, with relative paths inside the archive and within the size limits, ' +
      'and upload it again.',
    { problems },
  );
}

// ---- zip ----

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;

async function readZip(data: Buffer, x: Extraction): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false so a bad name becomes a listed problem rather than yauzl's first-error stop;
    // validateEntrySizes keeps yauzl's own check that an entry inflates to its declared size.
    zip = await yauzl.fromBufferPromise(data, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (e) {
    throw x.damaged('zip', e);
  }
  if (zip.entryCount > x.limits.maxEntries) throw x.tooMany(zip.entryCount);
  try {
    for await (const entry of zip.eachEntry()) {
      const e = zipEntry(entry);
      const rel = x.admit(e);
      if (rel === undefined || 'refused' in e) continue;
      if (e.type === 'directory') await x.directory(rel);
      else await x.file(rel, e.name, () => zip.openReadStreamPromise(entry));
    }
  } catch (e) {
    if (e instanceof Stop || isSystemError(e)) throw e;
    throw x.damaged('zip', e);
  }
}

function zipEntry(entry: yauzl.Entry): Entry {
  // strictFileNames keeps backslashes as they are, so they are refused instead of turned into folders.
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true,
  );
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (mode === S_IFLNK) return { name, refused: 'it is a symbolic link' };
  if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR)
    return { name, refused: 'it is a device, pipe or socket, not a plain file' };
  if (name.endsWith('/') || mode === S_IFDIR || entry.externalFileAttributes & DOS_DIRECTORY)
    return { name, type: 'directory', size: 0 };
  if (entry.isEncrypted()) return { name, refused: 'it is encrypted' };
  if (!entry.canDecodeFileData())
    return { name, refused: `it uses compression method ${entry.compressionMethod}; use deflate or store` };
  return { name, type: 'file', size: entry.uncompressedSize };
}

function isSystemError(e: unknown): boolean {
  return typeof (e as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}

// ---- tar.gz ----

async function readTarGz(data: Buffer, x: Extraction): Promise<void> {
  const extract = tar.extract();
  // tar sizes are exact, so admit() bounds the files; this bounds what headers and padding can add.
  const cap = x.limits.maxTotalBytes + (x.limits.maxEntries + 2) * 4096 + 65536;
  const fed = pipeline(
    Readable.from([data]),
    createGunzip(),
    capBytes(cap, () => x.tooLarge()),
    extract,
  );
  // Its failure also reaches the loop below through `extract`; this only keeps it from going unhandled.
  fed.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const e = tarEntry(entry.header);
      const rel = x.admit(e);
      // streamx entries are async-iterable at run time; its type declarations just do not say so.
      if (rel !== undefined && !('refused' in e) && e.type === 'file')
        await x.file(rel, e.name, async () => entry as unknown as AsyncIterable<Buffer>);
      else {
        entry.resume();
        if (rel !== undefined) await x.directory(rel);
      }
    }
    await fed;
  } catch (e) {
    if (e instanceof Stop || isSystemError(e)) throw e;
    throw x.damaged('tar.gz', e);
  }
}

function tarEntry(h: tar.Header): Entry {
  const name = h.name;
  switch (h.type) {
    case 'file':
    case 'contiguous-file':
      return { name, type: 'file', size: h.size ?? 0 };
    case 'directory':
      return { name, type: 'directory', size: 0 };
    case 'symlink':
      return { name, refused: `it is a symbolic link (to ${quote(h.linkname ?? '')})` };
    case 'link':
      return { name, refused: `it is a hard link (to ${quote(h.linkname ?? '')})` };
    default:
      return { name, refused: `it is a ${h.type ?? 'unknown'} entry, not a plain file or folder` };
  }
}

/** Passes bytes through, failing with `over()` once more than `max` went by. */
function capBytes(max: number, over: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(over());
      else done(null, chunk);
    },
  });
}
