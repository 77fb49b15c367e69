import { mayActFor } from './auth.js';
import type { ServerContext } from './context.js';
import { HttpError } from './http.js';
import { ACTIVE, type ScheduleRecord, type TaskRecord } from './store.js';

/**
 * Uploads belong to the token that made them: a team's plans, CSVs and properties are read by the tasks it
 * runs, not by another team's. Only the owner (or an admin token) lists, uses or removes an upload.
 */

/** The uploads a task body names: ATQ's fileId, or the seed form's master/worker fileId (or fileid). */
export function fileIdsOf(payload: Record<string, unknown>): string[] {
  const ids: unknown[] = [payload.fileId];
  for (const role of ['master', 'worker']) {
    const def = payload[role] as Record<string, unknown> | undefined;
    if (def && typeof def === 'object') ids.push(def.fileId, def.fileid);
  }
  return ids.filter((x): x is string => typeof x === 'string');
}

/** Tasks that have not ended and schedules that name the upload. */
export function uploadUsers(ctx: ServerContext, id: string): (TaskRecord | ScheduleRecord)[] {
  return [
    ...ctx.store.tasks({ status: ['queued', ...ACTIVE], limit: 100_000, offset: 0 }).tasks,
    ...ctx.store.schedules(),
  ].filter((t) => fileIdsOf(t.payload).includes(id));
}

/** The problem with `owner` using the upload, named as `field`; undefined when it may. */
export async function uploadProblem(
  ctx: ServerContext,
  owner: string,
  id: string,
  field: string,
): Promise<string | undefined> {
  const meta = await ctx.files.get(id);
  if (!meta) return `${field}: no upload has the id "${id}"; upload the files first`;
  // Uploads from before owners were recorded belong to nobody: an admin token may still use them.
  if (!mayActFor(owner, meta.owner ?? '', ctx.tokens))
    return `${field}: upload "${id}" belongs to another token; upload your own files (POST /api/databind/upload)`;
  return undefined;
}

/**
 * The last check before a task or schedule is recorded, synchronous with the recording: an upload removed
 * since the body was checked (DELETE decides synchronously too) is not used.
 */
export function assertUploadsAvailable(ctx: ServerContext, payload: Record<string, unknown>): void {
  const gone = fileIdsOf(payload).filter((id) => !ctx.files.available(id));
  if (gone.length)
    throw new HttpError(
      409,
      'FILE_REMOVED',
      `Upload ${gone.join(', ')} was removed while the task was being checked; upload the files again.`,
    );
}
