import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AtqError } from '../../errors.js';
import type { SwarmClient } from '../../swarm/api.js';
import type { RunResources } from '../cleanup.js';
import { serviceName, type Mount } from '../context.js';
import { DATA_DIR, LIMITS, type GenericTaskSpec } from './spec.js';

/** Resolves an upload's id to the local folder holding its extracted files (undefined: unknown id). */
export type FileResolver = (fileId: string) => Promise<string | undefined>;

export interface DataFile {
  rel: string;
  abs: string;
  size: number;
}

/** Each fileId's files, checked against what Swarm configs can carry (before any object is made). */
export type Uploads = Map<string, DataFile[]>;

export async function listUploads(
  spec: GenericTaskSpec,
  resolve: FileResolver | undefined,
): Promise<Uploads> {
  const ids = [...new Set([spec.master.fileId, spec.worker.fileId].filter((id): id is string => !!id))];
  const listed: Uploads = new Map();
  for (const id of ids) listed.set(id, await uploadFiles(id, resolve));
  return listed;
}

/**
 * Puts each service's upload (fileId) under /atq/data/ in its containers with no shared file system and
 * no shell or tar in the image: every file is its own Swarm config, mounted at its own path. A fileId
 * used by both services is shipped once.
 */
export async function shipFiles(
  client: SwarmClient,
  res: RunResources,
  spec: GenericTaskSpec,
  uploads: Uploads,
): Promise<{ master: Mount[]; worker: Mount[] }> {
  const mounts = new Map<string, Mount[]>();
  let n = 0;
  for (const [id, files] of uploads) {
    const made: Mount[] = [];
    for (const f of files) {
      const name = serviceName(res.runId, `data-${String(++n).padStart(3, '0')}`);
      const configId = await client.createConfig(name, await readFile(f.abs), res.labels('data'));
      res.track('config', configId, name, 'data');
      made.push({ id: configId, name, target: path.posix.join(DATA_DIR, f.rel) });
    }
    mounts.set(id, made);
  }
  const of = (fileId?: string) => (fileId ? (mounts.get(fileId) ?? []) : []);
  return { master: of(spec.master.fileId), worker: of(spec.worker.fileId) };
}

/** The upload's files, checked against what Swarm configs can carry. */
async function uploadFiles(fileId: string, resolve: FileResolver | undefined): Promise<DataFile[]> {
  const folder = resolve ? await resolve(fileId) : undefined;
  if (!folder) throw unknownUpload(fileId);
  const files = await walk(folder, '').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw unknownUpload(fileId);
    throw e;
  });
  const big = files.find((f) => f.size > LIMITS.maxFileBytes);
  if (big) {
    throw tooLarge(
      fileId,
      `${big.rel} is ${big.size} bytes; each file is mounted as one Swarm config, and Docker Engine 20.10 ` +
        `refuses configs over ${LIMITS.maxFileBytes / 1024} KiB (${LIMITS.maxFileBytes} bytes)`,
      { file: big.rel, size: big.size, limit: LIMITS.maxFileBytes },
    );
  }
  if (files.length > LIMITS.maxFiles) {
    throw tooLarge(fileId, `it has ${files.length} files; at most ${LIMITS.maxFiles} can be mounted`, {
      files: files.length,
      limit: LIMITS.maxFiles,
    });
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > LIMITS.maxTotalFileBytes) {
    throw tooLarge(
      fileId,
      `its files add up to ${total} bytes; at most ${LIMITS.maxTotalFileBytes / 1024 / 1024} MiB go into the swarm's store per task`,
      { total, limit: LIMITS.maxTotalFileBytes },
    );
  }
  return files;
}

/** An upload id the server does not have (deleted, or never uploaded). */
export function unknownUpload(fileId: string): AtqError {
  return new AtqError(
    'FILE_UNKNOWN',
    `No upload has the id ${JSON.stringify(fileId)}: it was deleted or never uploaded. ` +
      'Upload the files again (POST /api/databind/upload) and submit the task with the new id.',
    { fileId },
  );
}

function tooLarge(fileId: string, what: string, details: Record<string, unknown>): AtqError {
  return new AtqError(
    'BUNDLE_TOO_LARGE',
    `The upload ${JSON.stringify(fileId)} cannot be mounted: ${what}. Split or compress large files, ` +
      'or build them into the image.',
    { fileId, ...details },
  );
}

/** Regular files only: a link could point anywhere on the server, so it is refused rather than followed. */
async function walk(root: string, rel: string): Promise<DataFile[]> {
  const out: DataFile[] = [];
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    const abs = path.join(root, r);
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile()) out.push({ rel: r, abs, size: (await lstat(abs)).size });
    else {
      throw new AtqError(
        'BUNDLE_INVALID',
        `The upload's ${r} is not a regular file (a link or device); only files and folders can be mounted.`,
        { file: r },
      );
    }
  }
  return out;
}
