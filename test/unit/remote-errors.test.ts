import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inputProblem } from '../../src/config/inputs.js';
import { resolveOptions } from '../../src/config/resolve.js';
import {
  parseServerUrl,
  plaintextProblem,
  serverEnvValues,
  type ServerTarget,
} from '../../src/config/server-option.js';
import { ServerApi } from '../../src/remote/api.js';
import { answerError, unreachableError } from '../../src/remote/errors.js';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { startServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/log.js';

const SERVER = 'https://atq.example:8480';

describe('server and token options', () => {
  test('the URL is normalised (no trailing slash), a path prefix behind a proxy is kept', () => {
    expect(parseServerUrl('https://atq.example:8480/')).toEqual({ url: SERVER });
    expect(parseServerUrl(' http://proxy/atq/ ')).toEqual({ url: 'http://proxy/atq' });
  });

  test.each([
    ['ftp://atq.example', /server: "ftp:\/\/atq.example" is not http:\/\/ or https:\/\//],
    ['atq.example:8480', /is not http/],
    ['not a url', /server: "not a url" is not a URL/],
    ['http://atq.example/?x=1', /drop \?query/],
    ['', /expected the URL of an ATQ server/],
  ])('%j is refused, naming where it can be set', (value, message) => {
    const { problem } = parseServerUrl(value);
    expect(problem).toMatch(message);
    expect(problem).toContain('ATQ_SERVER');
  });

  test('credentials in the URL are refused without being shown', () => {
    const { problem } = parseServerUrl('https://ci:hunter2@atq.example');
    expect(problem).toContain('--token');
    expect(problem).not.toContain('hunter2');
  });

  test('a token is checked without ever showing it', () => {
    for (const bad of ['s3cret with space', 's3cret\u00e9', 's3cret\tx']) {
      const { problems } = resolveOptions({}, { server: SERVER, token: bad }, '/w');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^token: holds spaces or characters/);
      expect(problems[0]).not.toContain('s3cret');
    }
    const fromFile = resolveOptions({ token: { secret: 's3cret' } }, { token: 'ok' }, '/w').problems;
    expect(fromFile).toEqual([
      expect.stringMatching(/^atq.yml \(overridden by --token in this run\) token: /),
    ]);
    expect(fromFile[0]).not.toContain('s3cret');
  });

  test('options.server holds the URL and the token; a token alone leaves the run local', () => {
    expect(resolveOptions({}, { server: `${SERVER}/`, token: ' t0k ' }, '/w').options?.server).toEqual({
      url: SERVER,
      token: 't0k',
    });
    expect(resolveOptions({}, { token: 't0k' }, '/w').options?.server).toBeUndefined();
  });

  test('a token goes over http:// only to this machine, or with insecure-http', () => {
    const problem = (server: string, more: Record<string, unknown> = {}) =>
      plaintextProblem(
        resolveOptions({}, { server, token: 't0k', ...more }, '/w').options?.server as ServerTarget,
      );
    expect(problem('http://atq.example:8480')).toBe(
      'server: http://atq.example:8480 is plain HTTP to another machine: the token (and the test files) would ' +
        'cross the network readable by anyone on the path. Use https:// (atq serve --tls-cert, --tls-key), or, ' +
        'on a network you trust, allow it with --insecure-http (atq.yml insecure-http: true; the Action input ' +
        'insecure-http; the Jenkins parameter insecureHttp: true)',
    );
    for (const fine of ['https://atq.example', 'http://localhost:8480', 'http://127.0.0.2', 'http://[::1]:1'])
      expect(problem(fine)).toBeUndefined();
    expect(problem('http://10.0.0.5:8480', { 'insecure-http': true })).toBeUndefined();
    expect(problem('http://[::ffff:10.0.0.5]')).toBeDefined();
    expect(problem('http://127.0.0.1.evil.example')).toBeDefined();
    const noToken = resolveOptions({}, { server: 'http://atq.example' }, '/w').options?.server;
    expect(plaintextProblem(noToken as ServerTarget)).toBeUndefined();
    expect(resolveOptions({ 'insecure-http': true, server: 'http://s' }, {}, '/w').options?.server).toEqual({
      url: 'http://s',
      insecureHttp: true,
    });
  });

  test('ATQ_SERVER and ATQ_TOKEN as option values; empty ones are not set', () => {
    expect(serverEnvValues({ ATQ_SERVER: SERVER, ATQ_TOKEN: ' t ', HOME: '/h' })).toEqual({
      server: SERVER,
      token: 't',
    });
    expect(serverEnvValues({ ATQ_SERVER: '', ATQ_TOKEN: '  ' })).toEqual({});
  });

  test('the Action names the problems by its inputs (server, server-token)', () => {
    const { problems } = resolveOptions({}, { server: 'ftp://x', token: 'a b' }, '/w');
    expect(problems.map(inputProblem)).toEqual([
      expect.stringMatching(/^input server: /),
      expect.stringMatching(/^input server-token: /),
    ]);
  });
});

describe('what the server answers, as errors', () => {
  const body = (code: string, message: string, problems?: string[]) => ({
    error: { code, message, problems },
  });

  test('401 without a token: pass --token or ATQ_TOKEN', () => {
    const e = answerError(
      SERVER,
      'upload the test files',
      { status: 401, body: body('UNAUTHORIZED', 'x') },
      false,
    );
    expect(e.code).toBe('SERVER_ERROR');
    expect(e.message).toBe(
      `The ATQ server at ${SERVER} needs a token to upload the test files: pass --token TOKEN or set ATQ_TOKEN.`,
    );
  });

  test('401 with a token: it was refused, and what to do, in one sentence', () => {
    const e = answerError(
      SERVER,
      'submit the task',
      { status: 401, body: body('UNAUTHORIZED', 'The token is not valid on this server: check it.') },
      true,
    );
    expect(e.message).toBe(
      `The ATQ server at ${SERVER} refused the token to submit the task: check --token (or ATQ_TOKEN), ` +
        "or ask the server's operator for a token (atq serve --add-token NAME).",
    );
  });

  test('400 lists every problem the server found', () => {
    const problems = ['workers: 0 is out of range; use 1 to 500', 'keep: set by the server'];
    const e = answerError(
      SERVER,
      'submit the task',
      { status: 400, body: body('INVALID_REQUEST', 'bad', problems) },
      false,
    );
    expect(e.message).toBe(
      `The ATQ server at ${SERVER} refused to submit the task:\n  - ${problems.join('\n  - ')}`,
    );
    expect(e.details.problems).toEqual(problems);
  });

  test.each([
    [413, 'TOO_LARGE', 'The request body is larger than this server accepts (100 MB).'],
    [429, 'QUEUE_LIMIT', 'ci already has 20 task(s) waiting, the most this server allows per token.'],
    [503, 'DOCKER_CONNECT', 'Cannot connect to the Docker engine.'],
  ])("%i: the server's message, with its status and code", (status, code, message) => {
    const e = answerError(SERVER, 'submit the task', { status, body: body(code, message) }, true);
    expect(e.message).toBe(
      `The ATQ server at ${SERVER} refused to submit the task (HTTP ${status} ${code}): ${message}`,
    );
    expect(e.details).toMatchObject({ status, code });
  });

  test('no ATQ API there: a 404 for the endpoint, or an answer that is not ours', () => {
    const notOurs = answerError(
      SERVER,
      'upload the test files',
      { status: 502, body: '<html>Bad gateway</html>' },
      false,
    );
    expect(notOurs.message).toContain(
      'answered HTTP 502 when asked to upload the test files, not as an ATQ server does',
    );
    const noRoute = body('NOT_FOUND', 'No such endpoint: POST /api/databind/upload (see /api/openapi.json).');
    expect(answerError(SERVER, 'upload', { status: 404, body: noRoute }, false).message).toContain(
      `${SERVER} has no ATQ API`,
    );
  });

  test("the server's words are bounded and shown, not obeyed: controls visible, problems counted", () => {
    const message = `\u001b]8;;http://evil\u0007click\u001b]8;;\u0007 ${'m'.repeat(100_000)}`;
    const problems = Array.from({ length: 80 }, (_, i) => `p${i}\r::error::forged`);
    const e = answerError(
      SERVER,
      'submit the task',
      { status: 400, body: body('X\u001b[2J', message, problems) },
      true,
    );
    expect([...e.message].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
    expect(e.message).toContain('  - p0\\x0d::error::forged\n');
    expect(e.message).toContain('  - (30 more)');
    expect(e.details.code).toBe('X\\x1b[2J');
    const refused = answerError(SERVER, 'x', { status: 409, body: body('C', message) }, true);
    expect(refused.message).toContain('\\x1b]8;;http://evil\\x07click');
    expect(refused.message.length).toBeLessThan(9_000);
  });

  test('unreachable: the URL and the reason; a certificate problem says how to trust a private CA', () => {
    const refused = unreachableError(
      SERVER,
      'upload the test files',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8480'), { code: 'ECONNREFUSED' }),
      }),
    );
    expect(refused.code).toBe('SERVER_ERROR');
    expect(refused.message).toMatch(
      new RegExp(
        `^Cannot reach the ATQ server at ${SERVER} to upload the test files: ECONNREFUSED \\(connect ECONNREFUSED`,
      ),
    );
    expect(refused.message).not.toContain('NODE_EXTRA_CA_CERTS');
    const cert = unreachableError(
      SERVER,
      'upload',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      }),
    );
    expect(cert.message).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('a wrong token against a real atq serve (issue 22)', () => {
  test('the advice is said once, in one sentence, and the token is not in it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-401-'));
    const tokensFile = path.join(dir, 'tokens');
    await addToken(tokensFile, 'ci');
    const docker = { host: 'tcp://127.0.0.1:9', insecurePlaintext: true };
    const opts = { ...SERVER_DEFAULTS, port: 0, dataDir: path.join(dir, 'data'), docker, tokensFile };
    const server = await startServer(opts, silentLogger, 'test');
    try {
      const wrong = 'atq_wrong-token-value';
      const api = new ServerApi({ url: server.url, token: wrong });
      const e = await api.call('GET', '/api/task', 'list the tasks').catch((err: Error) => err);
      expect(e).toMatchObject({ code: 'SERVER_ERROR' });
      const message = (e as Error).message;
      expect(message).toBe(
        `The ATQ server at ${server.url} refused the token to list the tasks: check --token (or ATQ_TOKEN), ` +
          "or ask the server's operator for a token (atq serve --add-token NAME).",
      );
      expect(message).not.toMatch(/\.\./);
      expect(message).not.toContain(wrong);
    } finally {
      await server.close();
    }
  });
});
