import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtqError } from '../errors.js';
import type { DockerOptions } from '../config/options.js';

export interface Connection {
  /** What we tell the user: the URL without secrets. */
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  ca?: string;
  cert?: string;
  key?: string;
}

type Env = Record<string, string | undefined>;

/**
 * Works out how to reach the engine from options and the Docker CLI's variables (DOCKER_HOST,
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), plus ATQ_TLS_CA/CERT/KEY so CI secrets can hold PEM text.
 * A tcp:// engine without TLS is refused unless the user explicitly accepts plaintext.
 */
export function resolveConnection(opts: DockerOptions, env: Env = process.env): Connection {
  const url = opts.host ?? env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (url.startsWith('unix://'))
    return { url, socketPath: url.slice('unix://'.length) || '/var/run/docker.sock' };
  const m = /^(tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url);
  if (!m) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `DOCKER_HOST "${url}" is not understood; use unix:///var/run/docker.sock or tcp://HOST:PORT.`,
      { url },
    );
  }
  const host = (m[2] as string).replace(/^\[|\]$/g, '');
  const certPath =
    env.DOCKER_CERT_PATH || (env.DOCKER_TLS_VERIFY === '1' ? path.join(os.homedir(), '.docker') : '');
  const material = (
    value: string | undefined,
    envName: string,
    file: string,
    what: string,
  ): string | undefined => {
    const given = value ?? env[envName];
    if (given) return readPem(given, what);
    if (!certPath) return undefined;
    return readPem(path.join(certPath, file), what);
  };
  const ca = material(opts.ca, 'ATQ_TLS_CA', 'ca.pem', 'CA certificate');
  const cert = material(opts.cert, 'ATQ_TLS_CERT', 'cert.pem', 'client certificate');
  const key = material(opts.key, 'ATQ_TLS_KEY', 'key.pem', 'client key');
  const tls = Boolean(ca || cert || key) || m[1] === 'https';
  if (!tls && !opts.insecurePlaintext) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `Refusing to talk to ${url} without TLS: anyone on the network path could run containers on your swarm. ` +
        'Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem), or pass ' +
        '--tls-ca/--tls-cert/--tls-key (paths or PEM text); pass --insecure-plaintext only on a trusted network.',
      { url },
    );
  }
  if (tls && (!cert || !key)) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `TLS to ${url} needs a client certificate and key; give both (--tls-cert and --tls-key, or cert.pem and key.pem in DOCKER_CERT_PATH).`,
      { url },
    );
  }
  const port = m[3] ? Number(m[3]) : tls ? 2376 : 2375;
  return { url, host, port, protocol: tls ? 'https' : 'http', ca, cert, key };
}

function readPem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (e) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `Cannot read the ${what} at ${value}: ${(e as Error).message}. Give a readable file or the PEM text itself.`,
      { path: value },
    );
  }
}
