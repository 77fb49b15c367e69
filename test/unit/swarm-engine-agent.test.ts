import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DockerSwarmClient } from '../../src/swarm/client.js';
import { resolveConnection } from '../../src/swarm/connection.js';

/**
 * dockerode reaches a tcp:// engine through an agent of ours (src/swarm/engine-agent.ts: docker-modem's
 * url.parse is deprecated on Node 24). The real client against stand-in engines speaking Docker's HTTP API:
 * over TLS with a client certificate (as dockerd --tlsverify), in plain HTTP, and on a unix socket.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-engine-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const sign = (name: string, ext: string) => {
  writeFileSync(file(`${name}.ext`), ext);
  openssl('req', ...ec, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
};
openssl(
  'req',
  '-x509',
  ...ec,
  '-keyout',
  'ca-key.pem',
  '-out',
  'ca.pem',
  '-subj',
  '/CN=atq-ca',
  '-days',
  '1',
);
// The engine's certificate names localhost only, not 127.0.0.1: which name the client checks is visible.
sign('server', 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
sign('client', 'extendedKeyUsage=clientAuth\n');
const pem = (name: string) => readFileSync(file(name), 'utf8');

interface Engine {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

/** Answers /info and /version as a swarm manager's engine does; remembers the paths asked for. */
function answer(paths: string[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    paths.push(req.url ?? '');
    const body = req.url?.includes('/version')
      ? { ApiVersion: '1.41' }
      : {
          ServerVersion: '99.1',
          SystemTime: new Date().toISOString(),
          Swarm: {
            NodeID: 'n1',
            NodeAddr: '10.0.0.1',
            LocalNodeState: 'active',
            ControlAvailable: true,
            Nodes: 1,
          },
        };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
}

async function start(kind: 'tls' | 'plain' | 'socket'): Promise<Engine> {
  const paths: string[] = [];
  const server =
    kind === 'tls'
      ? https.createServer(
          { key: pem('server-key.pem'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true },
          answer(paths),
        )
      : http.createServer(answer(paths));
  let url: string;
  if (kind === 'socket') {
    const sock = file(`engine-${Date.now()}.sock`);
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    url = `unix://${sock}`;
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `tcp://localhost:${(server.address() as AddressInfo).port}`;
  }
  return {
    url,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const tlsEnv = {
  DOCKER_CERT_PATH: '',
  ATQ_TLS_CA: pem('ca.pem'),
  ATQ_TLS_CERT: pem('client.pem'),
  ATQ_TLS_KEY: pem('client-key.pem'),
};

test('TLS with a client certificate: the engine is reached at its host and port, its name checked', async () => {
  const engine = await start('tls');
  try {
    const byName = DockerSwarmClient.open(
      resolveConnection({ host: engine.url, insecurePlaintext: false }, tlsEnv),
    );
    expect(await byName.info()).toMatchObject({ serverVersion: '99.1', apiVersion: '1.41', isManager: true });
    expect(engine.paths.sort()).toEqual(['/info', '/version']);
    // Its certificate is for localhost, not for 127.0.0.1: asked by address, the client must refuse it.
    const byAddress = DockerSwarmClient.open(
      resolveConnection(
        { host: engine.url.replace('localhost', '127.0.0.1'), insecurePlaintext: false },
        tlsEnv,
      ),
    );
    await expect(byAddress.info()).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID/);
    // ... and says so, rather than blaming the CA or the key pair
    await expect(byAddress.info()).rejects.toThrow(
      /certificate is not issued for 127\.0\.0\.1: use a host name/,
    );
    await expect(byAddress.info()).rejects.not.toThrow(/CA signed/);
  } finally {
    await engine.close();
  }
});

test('plain HTTP (--insecure-plaintext) and a unix socket, whatever DOCKER_HOST says', async () => {
  const plain = await start('plain');
  const socket = await start('socket');
  const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];
  const before = names.map((n) => process.env[n]);
  // docker-modem reads DOCKER_HOST itself, and with DOCKER_CERT_PATH speaks TLS: an engine given otherwise
  // must still be the one reached, the socket in plain HTTP.
  const certs = path.join(dir, 'docker-env');
  mkdirSync(certs, { recursive: true });
  for (const [to, from] of [
    ['ca.pem', 'ca.pem'],
    ['cert.pem', 'client.pem'],
    ['key.pem', 'client-key.pem'],
  ])
    writeFileSync(path.join(certs, to as string), pem(from as string));
  Object.assign(process.env, {
    DOCKER_HOST: 'tcp://127.0.0.1:9',
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certs,
  });
  try {
    const viaTcp = DockerSwarmClient.open(
      resolveConnection({ host: plain.url, insecurePlaintext: true }, {}),
    );
    expect((await viaTcp.info()).serverVersion).toBe('99.1');
    const viaSocket = DockerSwarmClient.open(
      resolveConnection({ host: socket.url, insecurePlaintext: false }, {}),
    );
    expect((await viaSocket.info()).serverVersion).toBe('99.1');
    expect(socket.paths).toHaveLength(2);
  } finally {
    names.forEach((n, i) => {
      if (before[i] === undefined) delete process.env[n];
      else process.env[n] = before[i];
    });
    await plain.close();
    await socket.close();
  }
});

test('a DOCKER_CERT_PATH without certificates in the environment does not break a connection given otherwise', async () => {
  const socket = await start('socket');
  const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];
  const before = names.map((n) => process.env[n]);
  // docker-modem read $DOCKER_CERT_PATH/ca.pem itself as a default: a raw ENOENT, whatever the connection was.
  const empty = path.join(dir, 'no-certs-here');
  mkdirSync(empty, { recursive: true });
  Object.assign(process.env, { DOCKER_HOST: 'tcp://127.0.0.1:9', DOCKER_CERT_PATH: empty });
  try {
    const client = DockerSwarmClient.open(
      resolveConnection({ host: socket.url, insecurePlaintext: false }, {}),
    );
    expect((await client.info()).serverVersion).toBe('99.1');
    // The environment is as it was.
    expect(process.env.DOCKER_CERT_PATH).toBe(empty);
    expect(process.env.DOCKER_HOST).toBe('tcp://127.0.0.1:9');
  } finally {
    names.forEach((n, i) => {
      if (before[i] === undefined) delete process.env[n];
      else process.env[n] = before[i];
    });
    await socket.close();
  }
});
