import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileAccessError } from '../util/file-error.js';
import { type ArchiveLimits, extractArchive } from './archive.js';

/** One upload as the API lists it. */
export interface StoredFile {
  id: string;
  /** The original file name, as the client gave it (cleaned of control characters). */
  name?: string;
  files: number;
  bytes: number;
  /** ISO 8601 */
  createdAt: string;
  /** The .jmx plans in it, posix paths relative to its folder. */
  plans: string[];
  /** The token's name that uploaded it: only that token (or an admin token) may use or remove it. */
  owner?: string;
}

/** 16 random bytes in base64url: URL-safe, unguessable, and never "." or "..". */
const ID = /^[A-Za-z0-9_-]{22}$/;
const META = 'meta.json';
const FILES = 'files';
const MAX_NAME = 255;

/** Whether `id` has the shape of an upload id; anything else never reaches the file system. */
export function isFileId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/**
 * Uploads kept on disk as <root>/<id>/files/… with <root>/<id>/meta.json, so they survive a restart.
 * An upload is built in a dot-folder and renamed into place whole: a crash never leaves half of one listed.
 */
export class FileStore {
  /** Uploads being removed: gone for every check from the moment the removal was decided. */
  private readonly removing = new Set<string>();

  constructor(
    readonly root: string,
    private readonly limits: ArchiveLimits,
  ) {}

  /** Extracts the archive (throws UPLOAD_INVALID listing every problem) and records it. */
  async save(data: Buffer, name: string | undefined, owner: string): Promise<StoredFile> {
    const id = randomBytes(16).toString('base64url');
    const staging = path.join(this.root, `.incoming-${id}`);
    try {
      const files = await extractArchive(data, path.join(staging, FILES), this.limits);
      const meta: StoredFile = {
        id,
        ...(cleanName(name) ? { name: cleanName(name) } : {}),
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.size, 0),
        createdAt: new Date().toISOString(),
        plans: files.filter((f) => f.path.toLowerCase().endsWith('.jmx')).map((f) => f.path),
        owner,
      };
      await writeFile(path.join(staging, META), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
      await rename(staging, path.join(this.root, id));
      return meta;
    } catch (e) {
      await rm(staging, { recursive: true, force: true });
      throw e;
    }
  }

  /** Every upload, newest first. Folders without readable metadata (being written, damaged) are skipped. */
  async list(): Promise<StoredFile[]> {
    const names = await readdir(this.root).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw fileAccessError(e, 'list the uploads');
    });
    const all = await Promise.all(names.filter(isFileId).map((id) => this.get(id)));
    return all
      .filter((f): f is StoredFile => f !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!this.available(id)) return undefined;
    try {
      const meta = JSON.parse(await readFile(path.join(this.root, id, META), 'utf8')) as StoredFile;
      return meta.id === id ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  /** The absolute folder holding the upload's files, for tasks; undefined when there is no such upload. */
  folder(id: string): string | undefined {
    return this.available(id) ? path.join(path.resolve(this.root, id), FILES) : undefined;
  }

  /** Whether the upload is there and not being removed: synchronous, so a decision and its check do not interleave. */
  available(id: string): boolean {
    return isFileId(id) && !this.removing.has(id) && existsSync(path.join(this.root, id, META));
  }

  /**
   * Decides to remove the upload: from now on it is unavailable to every check. Synchronous, so that a route
   * can check that nothing uses it and decide in one step, with no submission slipping in between.
   */
  markRemoved(id: string): boolean {
    if (!this.available(id)) return false;
    this.removing.add(id);
    return true;
  }

  /** Removes the upload (marked or not); false when there was none. */
  async remove(id: string): Promise<boolean> {
    if (!isFileId(id) || !existsSync(path.join(this.root, id, META))) return false;
    this.removing.add(id);
    try {
      return await this.removeNow(id);
    } finally {
      this.removing.delete(id);
    }
  }

  private async removeNow(id: string): Promise<boolean> {
    // Renamed away first so it leaves the list at once, even if deleting many files takes a while or fails.
    const trash = path.join(this.root, `.removed-${id}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(path.join(this.root, id), trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw fileAccessError(e, 'remove the upload');
    }
    await rm(trash, { recursive: true, force: true });
    return true;
  }

  /** Removes what an interrupted save or remove left behind (dot-folders); call once at start-up. */
  async sweep(): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith('.incoming-') || n.startsWith('.removed-'))
        .map((n) => rm(path.join(this.root, n), { recursive: true, force: true })),
    );
  }
}

/** The client's file name without any folder part or control characters, at most 255 characters. */
function cleanName(name: string | undefined): string | undefined {
  const CONTROLS = /[\x00-\x1f\x7f]/g; // eslint-disable-line no-control-regex
  const base = name?.split(/[/\\]/).pop()?.replace(CONTROLS, '').trim();
  return base ? base.slice(0, MAX_NAME) : undefined;
}
