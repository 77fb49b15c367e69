import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { DockerSwarmClient } from '../../src/swarm/client.js';
import { resolveConnection } from '../../src/swarm/connection.js';
import { tlsHandshakeMessage } from '../../src/swarm/tls-advice.js';

/**
 * Two CAs, as with `--docker-host tcp://HOST:2377`: our client material from one, and a server speaking TLS
 * with a certificate from another (the swarm's own CA on its cluster port).
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-tls-advice-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
function pair(ca: string, name: string): void {
  openssl('req', ...ec, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  // The server's certificate is valid for 127.0.0.1: only its CA is wrong.
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  const signer = ['-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial'];
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    ...signer,
    '-out',
    `${name}.pem`,
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
}
for (const ca of ['ours', 'theirs'])
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    `${ca}-key.pem`,
    '-out',
    `${ca}.pem`,
    '-subj',
    `/CN=${ca}`,
    '-days',
    '1',
  );
pair('ours', 'client');
pair('theirs', 'server');
const pem = (name: string) => readFileSync(path.join(dir, name), 'utf8');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** What `atq doctor` / a run prints when the first call to the engine at that port fails. */
async function firstCallError(port: number): Promise<string> {
  const conn = resolveConnection({
    host: `tcp://127.0.0.1:${port}`,
    ca: pem('ours.pem'),
    cert: pem('client.pem'),
    key: pem('client-key.pem'),
    insecurePlaintext: false,
  });
  const failure = await DockerSwarmClient.open(conn)
    .info()
    .catch((e: Error) => e);
  expect(failure).toMatchObject({ code: 'DOCKER_CONNECT' });
  return (failure as Error).message;
}

describe('a failed TLS handshake on a port other than 2376 names the port (issue 22)', () => {
  const servers: net.Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  test('a TLS server with another CA (as the swarm port 2377 is): the port is questioned, then the certificates', async () => {
    const server = tls.createServer({ key: pem('server-key.pem'), cert: pem('server.pem') }, (s) => s.end());
    server.on('tlsClientError', () => {});
    servers.push(server);
    const port = await listen(server);
    const message = await firstCallError(port);
    expect(message).toMatch(
      new RegExp(`^TLS handshake with tcp://127\\.0\\.0\\.1:${port} failed \\(\\w+\\)\\.`),
    );
    expect(message).toContain(`Is port ${port} the engine's TLS API`);
    expect(message).toContain('It is usually 2376.');
    expect(message).toContain("If that is the right port: check that the CA signed the engine's certificate");
  });

  test('a listener that does not speak TLS at all: the port is questioned', async () => {
    const server = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    servers.push(server);
    const port = await listen(server);
    expect(await firstCallError(port)).toContain(`Is port ${port} the engine's TLS API`);
  });

  test('the swarm port is named for what it is, with the URL to use instead', () => {
    expect(tlsHandshakeMessage('tcp://manager.example:2377', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe(
      'TLS handshake with tcp://manager.example:2377 failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE). Port 2377 is ' +
        "Docker Swarm's cluster-management port (how nodes join and talk to managers), not the Docker API: the " +
        "engine's TLS API is usually on 2376, e.g. tcp://manager.example:2376. If that is the right port: check " +
        "that the CA signed the engine's certificate and that the client certificate and key belong together.",
    );
  });

  test('on 2376 (or no port) only the certificates are in question', () => {
    for (const url of ['tcp://10.0.0.5:2376', 'tcp://10.0.0.5', 'tcp://[fd00::5]:2376/']) {
      expect(tlsHandshakeMessage(url, 'SELF_SIGNED_CERT_IN_CHAIN')).toBe(
        `TLS handshake with ${url} failed (SELF_SIGNED_CERT_IN_CHAIN). Check that the CA signed the engine's ` +
          'certificate and that the client certificate and key belong together.',
      );
    }
  });
});
