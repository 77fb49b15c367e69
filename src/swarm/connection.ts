import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
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
 * A tcp:// engine without TLS is refused unless the user explicitly accepts plaintext. Certificates and
 * the key are checked here, so a wrong file is named as such instead of failing later as a handshake.
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
  const ca = material(opts.ca, env, 'ca');
  const cert = material(opts.cert, env, 'cert');
  const key = material(opts.key, env, 'key');
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
  checkTlsMaterial({ ca, cert, key });
  const port = m[3] ? Number(m[3]) : tls ? 2376 : 2375;
  return {
    url,
    host,
    port,
    protocol: tls ? 'https' : 'http',
    ca: ca?.text,
    cert: cert?.text,
    key: key?.text,
  };
}

/** Certificate or key text, and how to name it in messages without quoting it. */
interface TlsMaterial {
  text: string;
  role: Role;
  /** "the PEM text given to --tls-key", "/certs/ca.pem (given to --tls-ca)", "$DOCKER_CERT_PATH/ca.pem (...)". */
  given: string;
  /** Found in DOCKER_CERT_PATH (or ~/.docker): the fix is a file there, or an option. */
  fromFolder?: boolean;
}

type Role = keyof typeof ROLES;

const ROLES = {
  ca: {
    option: '--tls-ca',
    env: 'ATQ_TLS_CA',
    file: 'ca.pem',
    what: 'CA certificate',
    instead: "the CA certificate that signed the engine's certificate (ca.pem)",
  },
  cert: {
    option: '--tls-cert',
    env: 'ATQ_TLS_CERT',
    file: 'cert.pem',
    what: 'client certificate',
    instead: 'the client certificate signed by that CA (cert.pem)',
  },
  key: {
    option: '--tls-key',
    env: 'ATQ_TLS_KEY',
    file: 'key.pem',
    what: 'client key',
    instead: 'the unencrypted private key of the client certificate (key.pem)',
  },
} as const;

/** The option, else ATQ_TLS_*, else the Docker CLI's certificate folder; remembers which, for messages. */
function material(value: string | undefined, env: Env, role: Role): TlsMaterial | undefined {
  const r = ROLES[role];
  if (value) return fromValue(value, r.option, role);
  if (env[r.env]) return fromValue(env[r.env] as string, r.env, role);
  const certPath =
    env.DOCKER_CERT_PATH || (env.DOCKER_TLS_VERIFY === '1' ? path.join(os.homedir(), '.docker') : '');
  if (!certPath) return undefined;
  const file = path.join(certPath, r.file);
  const given = env.DOCKER_CERT_PATH
    ? `$DOCKER_CERT_PATH/${r.file} (${file})`
    : `${file} (the default with DOCKER_TLS_VERIFY=1 and no DOCKER_CERT_PATH)`;
  return { text: readPemFile(file, given, role), role, given, fromFolder: true };
}

/** An option's or variable's value: PEM text, or the path of a file with it. */
function fromValue(value: string, source: string, role: Role): TlsMaterial {
  const to = source.startsWith('-') ? 'given to' : 'in';
  if (value.includes('-----BEGIN')) return { text: value, role, given: `the PEM text ${to} ${source}` };
  // Text without a BEGIN line that is no plausible path is likely a mangled secret: never echo it.
  if (value.includes('\n') || value.length > 1024) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `The ${ROLES[role].what} ${to} ${source} is neither a file path nor PEM text (no "-----BEGIN" line). ` +
        'Give a readable file, or the whole PEM text including its -----BEGIN and -----END lines.',
      { source },
    );
  }
  const given = `${value} (${to} ${source})`;
  return { text: readPemFile(value, given, role), role, given };
}

function readPemFile(file: string, given: string, role: Role): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `Cannot read the ${ROLES[role].what} at ${given}: ${(e as Error).message}. ` +
        'Give a readable file or the PEM text itself.',
      { path: file },
    );
  }
}

/** Certificates must parse, the key too, and they must be a pair: otherwise TLS fails later, unexplained. */
function checkTlsMaterial(m: { ca?: TlsMaterial; cert?: TlsMaterial; key?: TlsMaterial }): void {
  if (m.ca) certificates(m.ca);
  // resolveConnection has made sure TLS comes with both or neither.
  if (!m.cert || !m.key) return;
  const cert = certificates(m.cert)[0] as X509Certificate;
  if (!cert.checkPrivateKey(privateKey(m.key))) {
    throw new AtqError(
      'DOCKER_CONNECT',
      `The client certificate (${m.cert.given}) and the client key (${m.key.given}) are not a pair: the key ` +
        'does not belong to the certificate. Give the key.pem created together with that cert.pem ' +
        '(e.g. both from the same DOCKER_CERT_PATH folder).',
      { cert: m.cert.given, key: m.key.given },
    );
  }
}

/** Every certificate in the text: a CA file may hold several (a bundle), a cert file its chain. */
function certificates(m: TlsMaterial): X509Certificate[] {
  const blocks = [...m.text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)];
  if (!blocks.length) throw notPem(m, 'certificate', missingBlock(m.text, 'CERTIFICATE'));
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b[0]);
    } catch (e) {
      const which = blocks.length > 1 ? `certificate ${i + 1} of ${blocks.length}: ` : '';
      throw notPem(m, 'certificate', which + parserReason(e, m.text));
    }
  });
}

function privateKey(m: TlsMaterial): KeyObject {
  // OpenSSL reports a missing passphrase as "interrupted or cancelled"; say what it means.
  if (/ENCRYPTED/.test(m.text)) {
    throw notPem(
      m,
      'private key',
      'it is encrypted with a passphrase (decrypt it: openssl pkey -in key.pem -out key-plain.pem)',
    );
  }
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(m.text))
    throw notPem(m, 'private key', missingBlock(m.text, 'PRIVATE KEY'));
  try {
    return createPrivateKey(m.text);
  } catch (e) {
    throw notPem(m, 'private key', parserReason(e, m.text));
  }
}

function notPem(m: TlsMaterial, kind: string, reason: string): AtqError {
  const role = ROLES[m.role];
  return new AtqError(
    'DOCKER_CONNECT',
    `The ${role.what} (${m.given}) is not a usable PEM ${kind}: ${reason}. ` +
      (m.fromFolder
        ? `Put ${role.instead} there, or give it with ${role.option}.`
        : `Give ${role.instead} to ${role.option} or ${role.env}: a file path, or the PEM text ` +
          'including its -----BEGIN and -----END lines.'),
    { source: m.given },
  );
}

function missingBlock(text: string, type: string): string {
  if (text.includes(`-----BEGIN ${type}-----`))
    return `its "-----END ${type}-----" line is missing (cut off?)`;
  const other = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (other) return `it holds a ${other}, not a ${type}`;
  return `there is no "-----BEGIN ${type}-----" line (a DER file? convert it to PEM with openssl)`;
}

/** OpenSSL's reason without its error number ("bad base64 decode"), plus the usual cause of it in CI. */
function parserReason(e: unknown, text: string): string {
  let reason = (e as Error).message.replace(/^error:[0-9A-F]+:[^:]*::/, '');
  if (reason === 'unsupported') reason = 'OpenSSL cannot decode it (unsupported)';
  return text.includes('\\n') && !text.includes('\n')
    ? `${reason}; the text has "\\n" where line breaks belong (a secret stored on one line?)`
    : reason;
}
