import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';

/**
 * A local stand-in for GitHub's Actions results service, the backend that `@actions/artifact` (v6) talks to, so
 * tests can drive the real client end to end on loopback. Two faces on one port, as on GitHub:
 *
 * - Twirp JSON: `POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>` with `Authorization: Bearer
 *   <runtime token>`. Field names in snake_case (the client sends proto names and reads either); int64 values as
 *   strings; errors as `{code, msg}` with Twirp's HTTP status for the code.
 * - Azure Blob, path-style (`/<account>/<container>/<blob>`, as Azurite serves it) behind a SAS-like `sig`:
 *   Put Block (`PUT ?comp=block&blockid=…`, 201), Put Block List (`PUT ?comp=blocklist`, XML body, 201),
 *   Get Blob (`GET`/`HEAD`, 200). Errors as Azure's XML `<Error><Code/><Message/></Error>`.
 *
 * Error answers use non-retryable statuses (4xx, 501) on purpose: the client retries 429 and 5xx five times with
 * 3 s+ back-off, and the Azure pipeline retries 5xx too.
 */

export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';
/** Azurite's well-known account name; any name works, the client takes the URL as it comes. */
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-results';
/** The x-ms-version this stand-in answers with when the request names none. */
const STORAGE_VERSION = '2026-04-06';

export interface StoredArtifact {
  /** The database id, handed out at CreateArtifact; FinalizeArtifact returns it as a string. */
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** Artifact protocol version the client announced (6.2.1 sends 7). */
  version: number;
  /** `mime_type` from CreateArtifact (6.x sends application/zip for an archive). */
  mimeType: string | undefined;
  createdAt: Date;
  /** `expires_at` from CreateArtifact; absent when the client passed no retentionDays. */
  expiresAt: Date | undefined;
  /** Whole days from createdAt to expiresAt, rounded. */
  retentionDays: number | undefined;
  /** `/<account>/<container>/<blob>` on this server. */
  blobPath: string;
  /** Staged, uncommitted blocks by (base64) block id. Put Block List empties it. */
  stagedBlocks: Map<string, Buffer>;
  /** The block ids Put Block List committed, in order. */
  blockIds: string[];
  /** The sizes of the committed blocks, in order. */
  blockSizes: number[];
  /** The assembled blob: for a normal upload, the zip the client built. */
  content: Buffer | undefined;
  /** `x-ms-blob-content-type` from Put Block List; Get Blob answers with it. */
  contentType: string | undefined;
  finalized: boolean;
  deleted: boolean;
  /** `size` from FinalizeArtifact (checked against the blob). */
  size: number | undefined;
  /** `hash` from FinalizeArtifact, `sha256:<hex>` (checked against the blob). */
  hash: string | undefined;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  /** The body as text for Twirp and Put Block List requests (JSON, XML); block data is left out. */
  text: string | undefined;
  status: number;
}

export interface ResultsService {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** The runtime token whose scope names this service's run and job. */
  token: string;
  runId: string;
  jobId: string;
  /** What `@actions/artifact` reads: ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_SERVER_URL. */
  env: Record<string, string>;
  artifacts: StoredArtifact[];
  requests: RecordedRequest[];
  /** Stops the server; calling it again is harmless. */
  close(): Promise<void>;
}

export interface ResultsServiceOptions {
  /** Replaces the blob right after Put Block List assembled it, as a fault in transit or storage would. */
  afterCommit?: (content: Buffer) => Buffer;
}

/**
 * An unsigned (`alg: none`) JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN. The client only decodes it, to
 * find the `Actions.Results:<run>:<job>` scope; real tokens carry several space-separated scopes, so this one does too.
 */
export function makeRuntimeToken(runId: string = randomUUID(), jobId: string = randomUUID()): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'none' };
  const payload = {
    scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}`,
    iss: 'atq-results-stand-in',
    aud: 'vstoken.actions.githubusercontent.com',
    nbf: now - 60,
    iat: now - 60,
    exp: now + 6 * 3600,
  };
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

/** The run and job ids in a runtime token's Actions.Results scope, or undefined when it has none. */
export function runtimeTokenIds(token: string): { runId: string; jobId: string } | undefined {
  const payloadPart = token.split('.')[1];
  if (!payloadPart) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const scp = (payload as { scp?: unknown } | null)?.scp;
  if (typeof scp !== 'string') return undefined;
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[1] && parts[2]) {
      return { runId: parts[1], jobId: parts[2] };
    }
  }
  return undefined;
}

/**
 * The files of a stored artifact, path → bytes (directories, stored as `name/` entries, are left out). Each entry's
 * bytes are checked against the CRC-32 its central-directory record carries, as an unzip tool would.
 */
export function unzipArtifact(artifact: Pick<StoredArtifact, 'name' | 'content'>): Map<string, Buffer> {
  if (!artifact.content) throw new Error(`artifact ${artifact.name} has no committed blob`);
  const zip = artifact.content;
  const crcs = centralDirectoryCrcs(zip);
  const files = new Map<string, Buffer>();
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    if (name.endsWith('/')) continue;
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const expected = crcs.get(name);
    if (expected === undefined) throw new Error(`zip entry ${name} is missing from the central directory`);
    if (crc32(data) !== expected) throw new Error(`zip entry ${name}: CRC-32 mismatch`);
    files.set(name, data);
  }
  return files;
}

/** name → CRC-32 from the zip's central directory (zip64 end records are not needed below 4 GiB / 65535 entries). */
function centralDirectoryCrcs(zip: Buffer): Map<string, number> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const crcs = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is corrupt');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    crcs.set(zip.toString('utf8', at + 46, at + 46 + nameLength), zip.readUInt32LE(at + 16));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return crcs;
}

// ---------------------------------------------------------------------------------------------------------------
// Twirp

type TwirpCode =
  | 'invalid_argument'
  | 'malformed'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'failed_precondition'
  | 'unimplemented';

/** HTTP status per Twirp error code, from the Twirp wire protocol spec. */
const TWIRP_STATUS: Record<TwirpCode, number> = {
  invalid_argument: 400,
  malformed: 400,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  failed_precondition: 412,
  unimplemented: 501,
};

class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    msg: string,
    readonly meta?: Record<string, string>,
  ) {
    super(msg);
  }
}

type Json = Record<string, unknown>;

/** The fields each request message has (proto names), per the client's generated artifact.ts. */
const REQUEST_FIELDS: Record<string, string[]> = {
  CreateArtifact: [
    'workflow_run_backend_id',
    'workflow_job_run_backend_id',
    'name',
    'expires_at',
    'version',
    'mime_type',
  ],
  FinalizeArtifact: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name', 'size', 'hash'],
  ListArtifacts: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name_filter', 'id_filter'],
  GetSignedArtifactURL: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name'],
  DeleteArtifact: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name'],
};

/** Proto JSON accepts both the proto name and the lowerCamelCase JSON name; unknown fields are an error (Go's default). */
function readMessage(method: string, body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TwirpError('malformed', 'the json request could not be decoded: not a JSON object');
  }
  const known = REQUEST_FIELDS[method] ?? [];
  const out: Json = {};
  for (const [key, value] of Object.entries(body as Json)) {
    const proto = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (!known.includes(proto)) {
      throw new TwirpError('malformed', `the json request could not be decoded: unknown field "${key}"`);
    }
    out[proto] = value;
  }
  return out;
}

function str(msg: Json, field: string): string {
  const v = msg[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string')
    throw new TwirpError('malformed', `the json request could not be decoded: ${field}`);
  return v;
}

/** int64 travels as a decimal string in proto JSON; numbers are accepted too. */
function int(msg: Json, field: string): number | undefined {
  const v = msg[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isSafeInteger(n))
    throw new TwirpError('malformed', `the json request could not be decoded: ${field}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Azure Blob

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const authFailed = (why: string) =>
  new StorageError(
    403,
    'AuthenticationFailed',
    `Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. (${why})`,
  );

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// ---------------------------------------------------------------------------------------------------------------

interface Grant {
  artifact: StoredArtifact;
  permission: 'cw' | 'r';
}

export async function startResultsService(options: ResultsServiceOptions = {}): Promise<ResultsService> {
  const runId = randomUUID();
  const jobId = randomUUID();
  const token = makeRuntimeToken(runId, jobId);
  const artifacts: StoredArtifact[] = [];
  const requests: RecordedRequest[] = [];
  /** sig → what it grants, the way a SAS signature scopes one blob and a permission set. */
  const grants = new Map<string, Grant>();
  let nextId = 1001;
  let origin = '';

  const sign = (artifact: StoredArtifact, permission: Grant['permission']): string => {
    const sig = randomBytes(32).toString('base64');
    grants.set(sig, { artifact, permission });
    const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const query = new URLSearchParams({ sv: STORAGE_VERSION, sr: 'b', sp: permission, se: expires, sig });
    return `${origin}${artifact.blobPath}?${query.toString()}`;
  };

  const live = (runBackendId: string) =>
    artifacts.filter((a) => !a.deleted && a.workflowRunBackendId === runBackendId);

  /** Checks the bearer token and that the request's run and job ids are the token's, as the real service does. */
  const authorize = (req: http.IncomingMessage, msg: Json): { runId: string; jobId: string } => {
    const header = req.headers.authorization;
    if (!header) throw new TwirpError('unauthenticated', 'missing Authorization header');
    const match = /^Bearer (.+)$/.exec(header);
    const ids = match?.[1] ? runtimeTokenIds(match[1]) : undefined;
    if (!ids) throw new TwirpError('unauthenticated', 'invalid runtime token: no Actions.Results scope');
    const run = str(msg, 'workflow_run_backend_id');
    const job = str(msg, 'workflow_job_run_backend_id');
    if (run !== ids.runId || (job !== '' && job !== ids.jobId)) {
      throw new TwirpError(
        'permission_denied',
        'the runtime token does not grant access to this workflow run or job',
      );
    }
    return ids;
  };

  const methods: Record<string, (msg: Json, ids: { runId: string; jobId: string }) => Json> = {
    CreateArtifact(msg, ids) {
      const name = str(msg, 'name');
      if (!name) throw new TwirpError('invalid_argument', 'name is required');
      const version = int(msg, 'version') ?? 0;
      if (version < 4) throw new TwirpError('invalid_argument', `unsupported artifact version ${version}`);
      if (live(ids.runId).some((a) => a.name === name)) {
        throw new TwirpError(
          'already_exists',
          'an artifact with this name already exists on the workflow run',
        );
      }
      const createdAt = new Date();
      let expiresAt: Date | undefined;
      if (msg.expires_at !== undefined && msg.expires_at !== null) {
        expiresAt = new Date(str(msg, 'expires_at'));
        if (Number.isNaN(expiresAt.getTime()))
          throw new TwirpError('malformed', 'expires_at is not an RFC 3339 time');
      }
      const mimeType = msg.mime_type === undefined ? undefined : str(msg, 'mime_type');
      const blobName = createHash('sha256').update(`${ids.runId}/${name}`).digest('hex');
      const ext = mimeType === undefined || mimeType === 'application/zip' ? '.zip' : '';
      const artifact: StoredArtifact = {
        id: nextId++,
        name,
        workflowRunBackendId: ids.runId,
        workflowJobRunBackendId: ids.jobId,
        version,
        mimeType,
        createdAt,
        expiresAt,
        retentionDays: expiresAt
          ? Math.round((expiresAt.getTime() - createdAt.getTime()) / 86_400_000)
          : undefined,
        blobPath: `/${ACCOUNT}/${CONTAINER}/${ids.runId}/workflow-job-run-${ids.jobId}/artifacts/${blobName}${ext}`,
        stagedBlocks: new Map(),
        blockIds: [],
        blockSizes: [],
        content: undefined,
        contentType: undefined,
        finalized: false,
        deleted: false,
        size: undefined,
        hash: undefined,
      };
      artifacts.push(artifact);
      return { ok: true, signed_upload_url: sign(artifact, 'cw') };
    },

    FinalizeArtifact(msg, ids) {
      const name = str(msg, 'name');
      const candidates = live(ids.runId).filter(
        (a) => a.name === name && a.workflowJobRunBackendId === ids.jobId,
      );
      const artifact = candidates.find((a) => !a.finalized);
      if (!artifact) {
        if (candidates.length > 0)
          throw new TwirpError('failed_precondition', `artifact ${name} is already finalized`);
        throw new TwirpError('not_found', `artifact ${name} not found`);
      }
      if (!artifact.content) {
        throw new TwirpError('failed_precondition', `no blob has been committed for artifact ${name}`);
      }
      const size = int(msg, 'size') ?? 0;
      if (size !== artifact.content.length) {
        throw new TwirpError(
          'invalid_argument',
          `artifact size mismatch: request says ${size} bytes, the uploaded blob has ${artifact.content.length}`,
        );
      }
      let hash: string | undefined;
      if (msg.hash !== undefined && msg.hash !== null) {
        hash = str(msg, 'hash');
        const actual = `sha256:${createHash('sha256').update(artifact.content).digest('hex')}`;
        if (hash.toLowerCase() !== actual) {
          throw new TwirpError(
            'invalid_argument',
            `artifact hash mismatch: request says ${hash}, the uploaded blob is ${actual}`,
          );
        }
      }
      artifact.size = size;
      artifact.hash = hash;
      artifact.finalized = true;
      return { ok: true, artifact_id: String(artifact.id) };
    },

    ListArtifacts(msg, ids) {
      const nameFilter = msg.name_filter === undefined ? undefined : str(msg, 'name_filter');
      const idFilter = int(msg, 'id_filter');
      const found = live(ids.runId).filter(
        (a) =>
          a.finalized &&
          (nameFilter === undefined || a.name === nameFilter) &&
          (idFilter === undefined || a.id === idFilter),
      );
      return {
        artifacts: found.map((a) => ({
          workflow_run_backend_id: a.workflowRunBackendId,
          workflow_job_run_backend_id: a.workflowJobRunBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size ?? 0),
          created_at: a.createdAt.toISOString(),
          ...(a.hash ? { digest: a.hash } : {}),
        })),
      };
    },

    GetSignedArtifactURL(msg, ids) {
      const name = str(msg, 'name');
      const artifact = live(ids.runId)
        .filter((a) => a.finalized && a.name === name)
        .sort((x, y) => y.id - x.id)[0];
      if (!artifact) throw new TwirpError('not_found', `artifact ${name} not found`);
      return { signed_url: sign(artifact, 'r') };
    },

    DeleteArtifact(msg, ids) {
      const name = str(msg, 'name');
      const artifact = live(ids.runId)
        .filter((a) => a.finalized && a.name === name)
        .sort((x, y) => y.id - x.id)[0];
      if (!artifact) throw new TwirpError('not_found', `artifact ${name} not found`);
      artifact.deleted = true;
      for (const [sig, grant] of grants) if (grant.artifact === artifact) grants.delete(sig);
      return { ok: true, artifact_id: String(artifact.id) };
    },
  };

  const twirp = (req: http.IncomingMessage, path: string, body: Buffer): { status: number; json: Json } => {
    const prefix = `/twirp/${ARTIFACT_SERVICE}/`;
    const method = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    try {
      if (req.method !== 'POST') {
        throw new TwirpError('bad_route', `unsupported method ${req.method} (only POST is allowed)`, {
          twirp_invalid_route: `${req.method} ${path}`,
        });
      }
      if (!handler) {
        throw new TwirpError('bad_route', `no handler for path "${path}"`, {
          twirp_invalid_route: `POST ${path}`,
        });
      }
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (contentType === 'application/protobuf') {
        throw new TwirpError('unimplemented', 'this stand-in speaks Twirp JSON only');
      }
      if (contentType !== 'application/json') {
        throw new TwirpError('bad_route', `unexpected Content-Type: "${req.headers['content-type'] ?? ''}"`, {
          twirp_invalid_route: `POST ${path}`,
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new TwirpError(
          'malformed',
          `the json request could not be decoded: ${(error as Error).message}`,
        );
      }
      const msg = readMessage(method, parsed);
      const ids = authorize(req, msg);
      return { status: 200, json: handler(msg, ids) };
    } catch (error) {
      if (!(error instanceof TwirpError)) throw error;
      const json: Json = { code: error.code, msg: error.message };
      if (error.meta) json.meta = error.meta;
      return { status: TWIRP_STATUS[error.code], json };
    }
  };

  const blob = (
    req: http.IncomingMessage,
    path: string,
    query: URLSearchParams,
    body: Buffer,
  ): { status: number; headers: Record<string, string>; body?: Buffer } => {
    const sig = query.get('sig');
    const grant = sig ? grants.get(sig) : undefined;
    if (!grant) throw authFailed('unknown signature');
    const { artifact } = grant;
    if (artifact.blobPath !== path) throw authFailed('signature is for another blob');
    const headers: Record<string, string> = {};

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!grant.permission.includes('r')) throw authFailed('signature does not grant read');
      if (!artifact.content)
        throw new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
      Object.assign(headers, {
        'content-type': artifact.contentType ?? 'application/octet-stream',
        'content-length': String(artifact.content.length),
        'content-md5': createHash('md5').update(artifact.content).digest('base64'),
        etag: etagOf(artifact.content),
        'last-modified': artifact.createdAt.toUTCString(),
        'accept-ranges': 'bytes',
        'x-ms-blob-type': 'BlockBlob',
      });
      return { status: 200, headers, body: req.method === 'GET' ? artifact.content : undefined };
    }

    if (req.method !== 'PUT') {
      throw new StorageError(405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb.");
    }
    if (!grant.permission.includes('w')) throw authFailed('signature does not grant write');
    if (artifact.finalized) throw authFailed('the artifact is finalized; its upload URL no longer works');
    if (req.headers['x-ms-structured-body']) {
      throw new StorageError(
        400,
        'UnsupportedHeader',
        'x-ms-structured-body is not supported by this stand-in.',
      );
    }
    const md5 = req.headers['content-md5'];
    if (typeof md5 === 'string' && md5 !== createHash('md5').update(body).digest('base64')) {
      throw new StorageError(
        400,
        'Md5Mismatch',
        'The MD5 value specified in the request did not match with the MD5 value calculated by the server.',
      );
    }

    const comp = query.get('comp');
    if (comp === 'block') {
      const blockId = query.get('blockid') ?? '';
      if (!BASE64.test(blockId) || Buffer.from(blockId, 'base64').length > 64) {
        throw new StorageError(
          400,
          'InvalidQueryParameterValue',
          `Value for one of the query parameters specified in the request URI is invalid. (blockid=${blockId})`,
        );
      }
      const sameLength = [...artifact.stagedBlocks.keys()].every((id) => id.length === blockId.length);
      if (!sameLength) {
        throw new StorageError(400, 'InvalidBlobOrBlock', 'The specified blob or block content is invalid.');
      }
      artifact.stagedBlocks.set(blockId, body);
      headers['content-md5'] = createHash('md5').update(body).digest('base64');
      return { status: 201, headers };
    }

    if (comp === 'blocklist') {
      const xml = body.toString('utf8');
      if (!/<BlockList>[\s\S]*<\/BlockList>|<BlockList\s*\/>/.test(xml)) {
        throw new StorageError(400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
      }
      const ids = [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => ({
        kind: m[1],
        id: unescapeXml(m[2] ?? ''),
      }));
      // The client lists every block as <Latest>. Azure would also find <Committed> blocks of an earlier commit;
      // this stand-in keeps staged blocks only, so a block list names blocks staged since the last commit.
      const parts: Buffer[] = [];
      for (const { kind, id } of ids) {
        const part = kind === 'Committed' ? undefined : artifact.stagedBlocks.get(id);
        if (!part) throw new StorageError(400, 'InvalidBlockList', 'The specified block list is invalid.');
        parts.push(part);
      }
      let content: Buffer = Buffer.concat(parts);
      if (options.afterCommit) content = options.afterCommit(content);
      artifact.content = content;
      artifact.blockIds = ids.map((b) => b.id);
      artifact.blockSizes = parts.map((p) => p.length);
      artifact.stagedBlocks.clear();
      artifact.contentType =
        headerString(req.headers['x-ms-blob-content-type']) ?? 'application/octet-stream';
      Object.assign(headers, {
        etag: etagOf(content),
        'last-modified': new Date().toUTCString(),
      });
      return { status: 201, headers };
    }

    throw new StorageError(
      400,
      'InvalidQueryParameterValue',
      `Value for one of the query parameters specified in the request URI is invalid. (comp=${comp ?? ''})`,
    );
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', origin);
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        bodyBytes: body.length,
        text:
          url.pathname.startsWith('/twirp/') || url.searchParams.get('comp') === 'blocklist'
            ? body.toString('utf8')
            : undefined,
        status: 0,
      };
      requests.push(record);
      const send = (status: number, headers: Record<string, string>, payload?: Buffer) => {
        record.status = status;
        res.writeHead(status, headers);
        res.end(payload);
      };
      try {
        if (url.pathname.startsWith('/twirp/')) {
          const { status, json } = twirp(req, url.pathname, body);
          const payload = Buffer.from(JSON.stringify(json));
          send(
            status,
            { 'content-type': 'application/json', 'content-length': String(payload.length) },
            payload,
          );
          return;
        }
        const requestId = randomUUID();
        const common: Record<string, string> = {
          'x-ms-request-id': requestId,
          'x-ms-version': headerString(req.headers['x-ms-version']) ?? STORAGE_VERSION,
          date: new Date().toUTCString(),
          server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
        };
        const clientRequestId = headerString(req.headers['x-ms-client-request-id']);
        if (clientRequestId) common['x-ms-client-request-id'] = clientRequestId;
        try {
          if (!url.pathname.startsWith(`/${ACCOUNT}/`)) {
            throw new StorageError(
              400,
              'InvalidUri',
              'The requested URI does not represent any resource on the server.',
            );
          }
          const answer = blob(req, url.pathname, url.searchParams, body);
          const extra: Record<string, string> =
            req.method === 'PUT' ? { 'x-ms-request-server-encrypted': 'true', 'content-length': '0' } : {};
          send(answer.status, { ...common, ...extra, ...answer.headers }, answer.body);
        } catch (error) {
          if (!(error instanceof StorageError)) throw error;
          const xml = Buffer.from(
            `\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`,
          );
          send(
            error.status,
            {
              ...common,
              'x-ms-error-code': error.code,
              'content-type': 'application/xml',
              'content-length': String(req.method === 'HEAD' ? 0 : xml.length),
            },
            req.method === 'HEAD' ? undefined : xml,
          );
        }
      } catch (error) {
        // A bug in the stand-in: answer 418 (not retried by either client) rather than hang or be retried.
        const payload = Buffer.from(
          JSON.stringify({ code: 'internal', msg: `stand-in bug: ${String(error)}` }),
        );
        send(418, { 'content-type': 'application/json', 'content-length': String(payload.length) }, payload);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;

  return {
    url: origin,
    token,
    runId,
    jobId,
    env: {
      ACTIONS_RUNTIME_TOKEN: token,
      // The runner hands this with a trailing slash; the client keeps only the origin anyway.
      ACTIONS_RESULTS_URL: `${origin}/`,
      // Anything but github.com, *.ghe.com or *.localhost makes the client refuse with GHESNotSupportedError.
      GITHUB_SERVER_URL: 'https://github.com',
    },
    artifacts,
    requests,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function etagOf(content: Buffer): string {
  return `"0x8D${createHash('sha256').update(content).digest('hex').slice(0, 13).toUpperCase()}"`;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
