import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type Docker from 'dockerode';
import type { Connection } from './connection.js';

/** dockerode's options, with the agent docker-modem passes on to every request (its typings omit it). */
export type ModemOptions = Docker.DockerOptions & { agent?: http.Agent };

/**
 * How dockerode reaches the engine. Given a host, docker-modem builds each request's address with
 * url.parse and url.resolve, which Node 24 deprecates at run time: every run logged DEP0169 (issue 22).
 * Given a socket path it parses nothing, so a tcp:// engine is reached the same way: the "socket path"
 * is only the engine's URL, and the agent below opens the TCP (TLS) connection to the host and port
 * resolveConnection found. The host is said to be none explicitly: docker-modem fills what is missing
 * from DOCKER_HOST itself, and a host from there would take precedence over any socket path.
 */
export function modemOptions(conn: Connection): ModemOptions {
  const none = { host: undefined, port: undefined };
  // A unix socket is plain HTTP: said explicitly, as docker-modem would otherwise take TLS from the
  // environment (DOCKER_HOST=tcp://… with DOCKER_CERT_PATH makes it read the certificates and speak https).
  if (conn.socketPath)
    return {
      ...none,
      socketPath: conn.socketPath,
      protocol: 'http',
      ca: undefined,
      cert: undefined,
      key: undefined,
    };
  const target = { host: conn.host as string, port: conn.port as number };
  const tlsUsed = conn.protocol === 'https';
  return {
    ...none,
    socketPath: conn.url,
    protocol: tlsUsed ? 'https' : 'http',
    ca: conn.ca,
    cert: conn.cert,
    key: conn.key,
    timeout: 60_000,
    agent: tlsUsed ? new TlsEngineAgent(target) : new PlainEngineAgent(target),
  };
}

interface Target {
  host: string;
  port: number;
}

/**
 * Keep-alive as Node's global agents (which docker-modem used until now) do. A request made "through a
 * socket path" names no host, so Node would check the engine's certificate against "localhost": the
 * agents connect to the target and check against its name, as any https request to it would.
 */
const KEEP_ALIVE = { keepAlive: true };

class TlsEngineAgent extends https.Agent {
  constructor(private readonly target: Target) {
    super(KEEP_ALIVE);
  }

  override createConnection(options: tls.ConnectionOptions): net.Socket {
    const { host, port } = this.target;
    // SNI takes a DNS name, never an address; without one, the certificate is checked against the address.
    const servername = net.isIP(host) ? undefined : host;
    return tls.connect({ ...options, path: undefined, host, port, servername } as tls.ConnectionOptions);
  }
}

class PlainEngineAgent extends http.Agent {
  constructor(private readonly target: Target) {
    super(KEEP_ALIVE);
  }

  override createConnection(): net.Socket {
    return net.connect(this.target);
  }
}
