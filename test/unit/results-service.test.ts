import { DefaultArtifactClient } from '@actions/artifact';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARTIFACT_SERVICE,
  makeRuntimeToken,
  runtimeTokenIds,
  startResultsService,
  unzipArtifact,
  type ResultsService,
} from '../helpers/results-service.js';
import { captured } from '../helpers/stdout.js';

/**
 * The real @actions/artifact client against the local stand-in of GitHub's results service (loopback only, no
 * Docker). The client reads its configuration from process.env at call time, so each test sets it and restores it.
 */

const CHUNK = 8 * 1024 * 1024; // the client's upload chunk (getUploadChunkSize): one Put Block per 8 MiB
/** Variables the client reads besides the service's own; cleared so the machine's environment cannot leak in. */
const CLIENT_ENV = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'GITHUB_SERVER_URL',
  'GITHUB_WORKSPACE',
  'GITHUB_RETENTION_DAYS',
  'ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY',
  'ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS',
  'ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT',
];

const savedEnv = new Map(CLIENT_ENV.map((k) => [k, process.env[k]]));
const temp = mkdtempSync(path.join(os.tmpdir(), 'atq-artifact-'));
let service: ResultsService;

function useService(s: ResultsService): void {
  for (const k of CLIENT_ENV) delete process.env[k];
  Object.assign(process.env, s.env, { GITHUB_WORKSPACE: path.join(temp, 'workspace') });
}

afterEach(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await service?.close();
});

afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A results folder shaped like a run's: nested folders, an empty file, and > 8 MiB that does not compress. */
function makeResults(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ['summary.json', Buffer.from(JSON.stringify({ verdict: 'pass', samples: 1234 }, null, 2))],
    ['report/index.html', Buffer.from('<!doctype html><title>report</title>\n'.repeat(200))],
    ['report/content/js/dashboard.js', Buffer.from('var x = 1;\n'.repeat(5000))],
    ['engines/engine-1/jmeter.log', Buffer.from('2026-11-25 INFO o.a.j.JMeter: ok\n'.repeat(1000))],
    ['empty.txt', Buffer.alloc(0)],
    ['raw/samples.bin', randomBytes(CHUNK + 1024 * 1024)],
  ]);
  for (const [rel, bytes] of files) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), bytes);
  }
  return files;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function twirp(s: ResultsService, method: string, body: unknown, token: string | null = s.token) {
  const response = await fetch(`${s.url}/twirp/${ARTIFACT_SERVICE}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('results-service stand-in driven by the real @actions/artifact client', () => {
  it('uploads a results folder as one zip artifact, byte for byte, and downloads it back', async () => {
    service = await startResultsService();
    useService(service);
    const root = path.join(temp, 'results');
    const files = makeResults(root);
    const client = new DefaultArtifactClient();

    const { value: uploaded, output } = await captured(() =>
      client.uploadArtifact(
        'atq-results',
        listFiles(root).map((f) => path.join(root, f)),
        root,
        { retentionDays: 3 },
      ),
    );

    expect(service.artifacts).toHaveLength(1);
    const [artifact] = service.artifacts;
    if (!artifact?.content) throw new Error('no artifact stored');
    expect(uploaded.id).toBe(artifact.id);
    expect(uploaded.size).toBe(artifact.content.length);
    expect(uploaded.digest).toBe(sha256(artifact.content));
    expect(artifact).toMatchObject({
      name: 'atq-results',
      version: 7,
      mimeType: 'application/zip',
      contentType: 'application/zip',
      finalized: true,
      size: artifact.content.length,
      hash: `sha256:${sha256(artifact.content)}`,
      retentionDays: 3,
      workflowRunBackendId: service.runId,
      workflowJobRunBackendId: service.jobId,
    });
    const days = ((artifact.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);

    // More than one 8 MiB chunk of zip, so more than one Put Block, committed in order.
    expect(artifact.content.length).toBeGreaterThan(CHUNK);
    expect(artifact.blockIds).toHaveLength(Math.ceil(artifact.content.length / CHUNK));
    expect(artifact.blockSizes.slice(0, -1).every((n) => n === CHUNK)).toBe(true);

    const unzipped = unzipArtifact(artifact);
    expect([...unzipped.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [rel, bytes] of files) expect(unzipped.get(rel)?.equals(bytes)).toBe(true);

    // The wire: Twirp JSON with the bearer token, then Azure block PUTs, one block list, then finalize.
    const calls = service.requests.map((r) =>
      r.path.startsWith('/twirp/') ? path.basename(r.path) : `${r.method} ${r.query.comp ?? ''}`,
    );
    expect(calls).toEqual([
      'CreateArtifact',
      ...artifact.blockIds.map(() => 'PUT block'),
      'PUT blocklist',
      'FinalizeArtifact',
    ]);
    for (const r of service.requests.filter((q) => q.path.startsWith('/twirp/'))) {
      expect(r.headers.authorization).toBe(`Bearer ${service.token}`);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(service.requests.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    // The client masks the upload URL's sig: it found `signed_upload_url`, the real service's snake_case name.
    const sig = service.requests.find((r) => r.query.sig)?.query.sig;
    expect(sig).toBeTruthy();
    expect(output).toContain(`::add-mask::${sig}`);
    expect(output).toContain(`Artifact atq-results successfully finalized. Artifact ID ${artifact.id}`);

    // Reading back through the same client: ListArtifacts, GetSignedArtifactURL, Get Blob, then unzip.
    const listed = await captured(() => client.listArtifacts());
    expect(listed.value.artifacts).toEqual([
      expect.objectContaining({ id: artifact.id, name: 'atq-results', size: artifact.content.length }),
    ]);
    const found = await captured(() => client.getArtifact('atq-results'));
    expect(found.value.artifact).toMatchObject({ id: artifact.id, digest: artifact.hash });
    const into = path.join(temp, 'downloaded');
    const downloaded = await captured(() =>
      client.downloadArtifact(artifact.id, { path: into, expectedHash: artifact.hash }),
    );
    expect(downloaded.value.digestMismatch).toBe(false);
    expect(listFiles(into).sort()).toEqual([...files.keys()].sort());
    for (const [rel, bytes] of files) expect(readFileSync(path.join(into, rel)).equals(bytes)).toBe(true);
  });

  it('refuses a second artifact of the same name in the run, as GitHub does', async () => {
    service = await startResultsService();
    useService(service);
    const root = path.join(temp, 'small');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'a.txt'), 'a');
    const client = new DefaultArtifactClient();
    await captured(() => client.uploadArtifact('dup', [path.join(root, 'a.txt')], root));
    await expect(
      captured(() => client.uploadArtifact('dup', [path.join(root, 'a.txt')], root)),
    ).rejects.toThrow(
      'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
    );
  });

  it('fails the real client when the stored blob does not match the hash it finalizes with', async () => {
    service = await startResultsService({
      afterCommit: (content) => {
        const copy = Buffer.from(content);
        copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
        return copy;
      },
    });
    useService(service);
    const root = path.join(temp, 'tampered');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'a.txt'), 'hello');
    const client = new DefaultArtifactClient();
    await expect(
      captured(() => client.uploadArtifact('tampered', [path.join(root, 'a.txt')], root)),
    ).rejects.toThrow(
      /Failed to FinalizeArtifact: Received non-retryable error: Failed request: \(400\) Bad Request: artifact hash mismatch/,
    );
    expect(service.artifacts[0]?.finalized).toBe(false);
  });
});

describe('results-service stand-in protocol errors', () => {
  it('answers Twirp errors as {code, msg} with the Twirp HTTP status', async () => {
    service = await startResultsService();
    const ids = { workflow_run_backend_id: service.runId, workflow_job_run_backend_id: service.jobId };

    expect(await twirp(service, 'FinalizeArtifact', { ...ids, name: 'never-created', size: '1' })).toEqual({
      status: 404,
      json: { code: 'not_found', msg: 'artifact never-created not found' },
    });
    expect(await twirp(service, 'CreateArtifact', { ...ids, name: 'x', version: 7 }, null)).toEqual({
      status: 401,
      json: { code: 'unauthenticated', msg: 'missing Authorization header' },
    });
    const otherRun = makeRuntimeToken();
    expect(
      (await twirp(service, 'CreateArtifact', { ...ids, name: 'x', version: 7 }, otherRun)).json.code,
    ).toBe('permission_denied');
    expect(await twirp(service, 'NoSuchMethod', {})).toEqual({
      status: 404,
      json: {
        code: 'bad_route',
        msg: `no handler for path "/twirp/${ARTIFACT_SERVICE}/NoSuchMethod"`,
        meta: { twirp_invalid_route: `POST /twirp/${ARTIFACT_SERVICE}/NoSuchMethod` },
      },
    });
    expect(await twirp(service, 'CreateArtifact', { ...ids, name: 'x', version: 7, colour: 'red' })).toEqual({
      status: 400,
      json: { code: 'malformed', msg: 'the json request could not be decoded: unknown field "colour"' },
    });
    expect(service.artifacts).toHaveLength(0);
  });

  it('checks the size and sha256 hash at FinalizeArtifact, and the signature on blob requests', async () => {
    service = await startResultsService();
    const ids = { workflow_run_backend_id: service.runId, workflow_job_run_backend_id: service.jobId };
    const created = await twirp(service, 'CreateArtifact', { ...ids, name: 'by-hand', version: 7 });
    expect(created.status).toBe(200);
    const uploadUrl = String(created.json.signed_upload_url);
    const zip = randomBytes(1000);
    const block = (id: string, body: Buffer) =>
      fetch(`${uploadUrl}&comp=block&blockid=${encodeURIComponent(Buffer.from(id).toString('base64'))}`, {
        method: 'PUT',
        body,
      });
    expect((await block('block-0', zip.subarray(0, 600))).status).toBe(201);
    expect((await block('block-1', zip.subarray(600))).status).toBe(201);
    // Listed in order 1, 0: the blob is assembled in list order, not staging order.
    const list = ['block-1', 'block-0'].map((id) => `<Latest>${Buffer.from(id).toString('base64')}</Latest>`);
    const commit = await fetch(`${uploadUrl}&comp=blocklist`, {
      method: 'PUT',
      headers: { 'x-ms-blob-content-type': 'application/zip' },
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList>${list.join('')}</BlockList>`,
    });
    expect(commit.status).toBe(201);
    expect(commit.headers.get('etag')).toMatch(/^"0x8D/);
    const stored = Buffer.concat([zip.subarray(600), zip.subarray(0, 600)]);
    expect(service.artifacts[0]?.content?.equals(stored)).toBe(true);

    const forged = new URL(uploadUrl);
    forged.searchParams.set('sig', 'forged');
    const refused = await fetch(`${forged.href}&comp=blocklist`, { method: 'PUT', body: '<BlockList/>' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    expect(await refused.text()).toContain('<Code>AuthenticationFailed</Code>');

    const finalize = (size: number, hash: string) =>
      twirp(service, 'FinalizeArtifact', { ...ids, name: 'by-hand', size: String(size), hash });
    const wrongHash = await finalize(stored.length, `sha256:${sha256(zip)}`);
    expect(wrongHash.status).toBe(400);
    expect(wrongHash.json).toMatchObject({
      code: 'invalid_argument',
      msg: expect.stringContaining('artifact hash mismatch'),
    });
    const wrongSize = await finalize(stored.length + 1, `sha256:${sha256(stored)}`);
    expect(wrongSize.json).toMatchObject({
      code: 'invalid_argument',
      msg: expect.stringContaining('size mismatch'),
    });
    expect(service.artifacts[0]?.finalized).toBe(false);

    expect(await finalize(stored.length, `sha256:${sha256(stored)}`)).toEqual({
      status: 200,
      json: { ok: true, artifact_id: String(service.artifacts[0]?.id) },
    });
    expect((await finalize(stored.length, `sha256:${sha256(stored)}`)).json.code).toBe('failed_precondition');
  });

  it('builds runtime tokens the client can decode', () => {
    const token = makeRuntimeToken('run-uuid', 'job-uuid');
    expect(token.split('.')).toHaveLength(3);
    expect(runtimeTokenIds(token)).toEqual({ runId: 'run-uuid', jobId: 'job-uuid' });
    expect(runtimeTokenIds('not-a-jwt')).toBeUndefined();
  });
});
