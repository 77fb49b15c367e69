import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { untrustedFromEnv } from '../../src/cli/untrusted.js';
import { untrustedFromInputs } from '../../src/config/inputs.js';
import { loadRunOptions } from '../../src/config/load.js';
import type { Untrusted } from '../../src/config/untrusted.js';
import { ConfigError } from '../../src/errors.js';

/**
 * A checkout's atq.yml while the front holds secrets (issue 20, item 10b): it may not name the target or
 * the credentials, and no path may lead out of the workspace, by the file's word or through a link.
 */
const TOKEN = 'atq_s3cret-t0ken';
const JENKINS = untrustedFromEnv({ ATQ_UNTRUSTED_WORKSPACE: '1' }) as Untrusted;

/** A workspace (a checkout) with perf/, and a folder of the agent's next to it. */
function workspace(atqYml?: string): { ws: string; agent: string } {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'atq-untrusted-')));
  const ws = path.join(root, 'ws');
  const agent = path.join(root, 'agent');
  mkdirSync(path.join(ws, 'perf'), { recursive: true });
  mkdirSync(agent);
  writeFileSync(path.join(agent, 'secret.properties'), 'password=hunter2\n');
  if (atqYml !== undefined) writeFileSync(path.join(ws, 'atq.yml'), atqYml);
  return { ws, agent };
}

/** The problems loadRunOptions lists, or [] when it accepts the options. */
async function problems(input: Parameters<typeof loadRunOptions>[0]): Promise<string[]> {
  try {
    await loadRunOptions(input);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const TARGET_YML = [
  'server: https://evil.example:8480',
  `token: ${TOKEN}`,
  'docker-host: tcp://evil.example:2376',
  'tls-ca: /tmp/evil-ca.pem',
  'insecure-plaintext: true',
  'workers: 3',
].join('\n');

describe('an untrusted workspace (the Jenkins step with credentials, the Action with secrets)', () => {
  test('its atq.yml may not name the target or credentials: the file and the keys are named, and where to set them', async () => {
    const { ws } = workspace(TARGET_YML);
    const found = await problems({ values: {}, cwd: ws, untrusted: JENKINS });
    expect(found).toHaveLength(1);
    const [msg] = found as [string];
    expect(msg).toContain(
      `config: ${ws}/atq.yml sets server, token, docker-host, tls-ca, insecure-plaintext; the workspace is ` +
        'untrusted here (ATQ_UNTRUSTED_WORKSPACE is set, as the Jenkins step runLoadTest does)',
    );
    expect(msg).toContain(
      "set them with the runLoadTest step's parameters (server, tokenCredentialsId, dockerHost, " +
        'dockerCredentialsId, insecurePlaintext) or flags (--server, --token, --docker-host, --tls-ca, ' +
        '--insecure-plaintext)',
    );
    expect(msg).not.toContain(TOKEN);
  });

  test('the same atq.yml is read as before when the workspace is trusted', async () => {
    const { ws } = workspace(TARGET_YML);
    const opts = await loadRunOptions({ values: {}, cwd: ws });
    expect(opts.server).toEqual({ url: 'https://evil.example:8480', token: TOKEN });
    expect(opts.docker.host).toBe('tcp://evil.example:2376');
  });

  test('the step may name the target itself, and an options file it names outside the workspace is its own', async () => {
    const { ws, agent } = workspace('workers: 3\nplan: perf/*.jmx\n');
    const values = { server: 'https://atq.example:8480', token: TOKEN, 'docker-host': 'tcp://swarm:2376' };
    const opts = await loadRunOptions({ values, cwd: ws, untrusted: JENKINS });
    expect(opts.server?.url).toBe('https://atq.example:8480');
    expect(opts.workers).toBe(3);
    writeFileSync(path.join(agent, 'team.yml'), 'server: https://team.example:8480\ntest-dir: ' + ws);
    const team = await loadRunOptions({
      values: {},
      configFile: path.join(agent, 'team.yml'),
      cwd: ws,
      untrusted: JENKINS,
    });
    expect(team.server?.url).toBe('https://team.example:8480');
  });

  test('paths from its atq.yml stay in the workspace', async () => {
    const { ws, agent } = workspace();
    writeFileSync(
      path.join(ws, 'atq.yml'),
      `test-dir: ${agent}\nout: ../results\nbaseline: ${agent}/summary.json\n`,
    );
    expect(await problems({ values: {}, cwd: ws, untrusted: JENKINS })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^test-dir: ${agent} \\(from ${ws}/atq.yml\\) is outside the workspace ${ws}; .*set test-dir with the runLoadTest step's parameters \\(testDir\\)`,
        ),
      ),
      expect.stringContaining(
        `out: ${path.dirname(ws)}/results (from ${ws}/atq.yml) is outside the workspace`,
      ),
      expect.stringContaining(
        `baseline: ${agent}/summary.json (from ${ws}/atq.yml) is outside the workspace`,
      ),
    ]);
    // Trusted, the same file is fine; so are the step's own paths outside the workspace (its baseline copy).
    expect(await problems({ values: {}, cwd: ws })).toEqual([]);
    const own = { 'test-dir': 'perf', out: 'res', baseline: `${agent}/copy` };
    expect(await problems({ values: own, cwd: ws, untrusted: JENKINS })).toEqual([]);
  });

  test('no path leads out of the workspace through a link the checkout placed', async () => {
    const { ws, agent } = workspace();
    symlinkSync(agent, path.join(ws, 'data'));
    symlinkSync(agent, path.join(ws, 'atq-results'));
    symlinkSync(path.join(agent, 'secret.properties'), path.join(ws, 'atq.yml'));
    const found = await problems({ values: { 'test-dir': 'data' }, cwd: ws, untrusted: JENKINS });
    // The options file is refused before it is read: its text never reaches a message.
    expect(found).toEqual([
      `config: ${ws}/atq.yml leads out of the workspace through a symbolic link (to ${agent}/secret.properties); ` +
        'the workspace is untrusted here (ATQ_UNTRUSTED_WORKSPACE is set, as the Jenkins step runLoadTest ' +
        'does), so atq reads and writes only inside it. Replace the link with a folder or file of the checkout.',
    ]);
    writeFileSync(path.join(ws, 'perf/atq.yml'), 'workers: 2\n');
    const named = await problems({
      values: { 'test-dir': 'data', out: 'atq-results/nightly' },
      configFile: 'perf/atq.yml',
      cwd: ws,
      untrusted: JENKINS,
    });
    expect(named).toEqual([
      expect.stringMatching(/^test-dir: .*\/ws\/data leads out of the workspace through a symbolic link/),
      // The results folder does not exist yet: the link above it is found all the same.
      expect.stringMatching(
        /^out: .*\/ws\/atq-results\/nightly leads out of the workspace through a symbolic link/,
      ),
    ]);
    // Links that stay inside are fine.
    const inside = workspace();
    symlinkSync(path.join(inside.ws, 'perf'), path.join(inside.ws, 'tests'));
    expect(await problems({ values: { 'test-dir': 'tests' }, cwd: inside.ws, untrusted: JENKINS })).toEqual(
      [],
    );
  });

  test('the CLI takes ATQ_UNTRUSTED_WORKSPACE with any value but empty', () => {
    expect(untrustedFromEnv({})).toBeUndefined();
    expect(untrustedFromEnv({ ATQ_UNTRUSTED_WORKSPACE: '' })).toBeUndefined();
    for (const v of ['1', 'true', '0', 'no'])
      expect(untrustedFromEnv({ ATQ_UNTRUSTED_WORKSPACE: v })).toBeDefined();
  });

  test('the Action: given a token or TLS secrets, its atq.yml may not redirect them', async () => {
    const none = (input: string) => (input === 'workers' ? '3' : '');
    expect(untrustedFromInputs(none, {})).toBeUndefined();
    const { ws } = workspace('server: https://evil.example:8480\ndocker-host: tcp://evil.example:2376\n');
    const inputs = (input: string) => (input === 'server-token' ? TOKEN : '');
    const action = untrustedFromInputs(inputs, { ATQ_TLS_KEY: '-----BEGIN PRIVATE KEY-----' }) as Untrusted;
    const found = await problems({ values: {}, cwd: ws, untrusted: action });
    expect(found).toEqual([
      `config: ${ws}/atq.yml sets server, docker-host; this Action was given secrets (input server-token, ` +
        'ATQ_TLS_KEY) and runs in a checkout, so where the run goes and with which credentials comes only ' +
        'from there, never from a file in the workspace (a pull request could send the credentials ' +
        `elsewhere). Remove them from ${ws}/atq.yml and set them with this Action's inputs (server, docker-host).`,
    ]);
    expect(found.join('\n')).not.toContain(TOKEN);
    for (const [input, env] of [
      ['docker-tls-key', {}],
      ['', { ATQ_TOKEN: 't' }],
      ['', { DOCKER_CERT_PATH: '/certs' }],
    ] as const) {
      expect(untrustedFromInputs((i) => (i === input ? 'x' : ''), env)).toBeDefined();
    }
  });
});
