import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { isAtqError } from '../errors.js';
import type { ServerContext } from './context.js';
import { badRequest, HttpError, notFound, readBody, sendJson } from './http.js';
import type { Route } from './router.js';
import { mayActFor } from './auth.js';
import { uploadUsers } from './uploads.js';

/** The uploaded archive: a multipart form's `file` field (the seed's form), or the body itself. */
async function uploadedArchive(
  req: IncomingMessage,
  limit: number,
): Promise<{ data: Buffer; name?: string }> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) {
    const name = req.headers['x-file-name'];
    return { data: await readBody(req, limit), name: typeof name === 'string' ? name : undefined };
  }
  return new Promise((resolve, reject) => {
    let found: { data: Buffer; name?: string } | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: limit, fields: 20 } });
    } catch (e) {
      return reject(badRequest([`body: ${(e as Error).message}`]));
    }
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () =>
        reject(
          new HttpError(413, 'TOO_LARGE', `The upload is larger than this server accepts (${limit} bytes).`),
        ),
      );
      stream.on('end', () => {
        if (field === 'file') found = { data: Buffer.concat(chunks), name: info.filename };
      });
    });
    parser.on('error', (e) => reject(badRequest([`body: ${(e as Error).message}`])));
    parser.on('close', () =>
      found ? resolve(found) : reject(badRequest(['file: the form has no "file" field with the archive'])),
    );
    req.pipe(parser);
  });
}

export function fileRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/databind/upload',
      handler: async ({ req, res, owner }) => {
        const { data, name } = await uploadedArchive(req, ctx.options.maxUploadBytes);
        try {
          const stored = await ctx.files.save(data, name, owner);
          sendJson(res, 201, stored, { location: `/api/databind/${stored.id}` });
        } catch (e) {
          if (isAtqError(e) && e.code === 'UPLOAD_INVALID')
            throw new HttpError(
              400,
              e.code,
              e.message,
              (e.details.problems as string[] | undefined) ?? [e.message],
            );
          throw e;
        }
      },
    },
    {
      method: 'GET',
      path: '/api/databind/list',
      // A token sees its own uploads (an admin token every one): file names and plans are a team's own.
      handler: async ({ res, owner }) => {
        const files = (await ctx.files.list()).filter((f) => mayActFor(owner, f.owner ?? '', ctx.tokens));
        sendJson(res, 200, { files });
      },
    },
    {
      method: 'DELETE',
      path: '/api/databind/:id',
      handler: async ({ res, params, owner }) => {
        const id = params.id as string;
        const meta = await ctx.files.get(id);
        if (!meta) throw notFound(`Upload ${id}`);
        if (!mayActFor(owner, meta.owner ?? '', ctx.tokens))
          throw new HttpError(
            403,
            'NOT_OWNER',
            `Upload ${id} was made by another token; only that token (or an admin token) may remove it.`,
          );
        // Checked and decided in one synchronous step: a task submitted meanwhile either is among the
        // users (409) or finds the upload gone (enqueue checks again).
        const users = uploadUsers(ctx, id);
        if (users.length)
          throw new HttpError(
            409,
            'FILE_IN_USE',
            `Upload ${id} is used by ${users.map((t) => t.id).join(', ')} (tasks that have not ended, or schedules); cancel or remove them, or wait.`,
          );
        if (!ctx.files.markRemoved(id)) throw notFound(`Upload ${id}`);
        await ctx.files.remove(id);
        res.writeHead(204).end();
      },
    },
  ];
}
