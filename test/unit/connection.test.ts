import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtqError } from '../../src/errors.js';
import { resolveConnection } from '../../src/swarm/connection.js';

/** Real material, as test/env/certs.sh makes it: a CA, a client pair it signed, and an unrelated key. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
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
openssl('req', ...ec, '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=client');
openssl(
  'x509',
  '-req',
  '-in',
  'client.csr',
  '-CA',
  'ca.pem',
  '-CAkey',
  'ca-key.pem',
  '-CAcreateserial',
  '-out',
  'cert.pem',
  '-days',
  '1',
);
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other-key.pem');
openssl('pkey', '-in', 'key.pem', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted-key.pem');

const file = (name: string) => path.join(dir, name);
const pem = (name: string) => readFileSync(file(name), 'utf8');
const GARBAGE_CERT = '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----';
const host = 'tcp://swarm:2376';

/** The DOCKER_CONNECT error resolveConnection throws, for looking at its message. */
function connectError(opts: Record<string, string>, env: Record<string, string> = {}): AtqError {
  try {
    resolveConnection({ host, insecurePlaintext: false, ...opts }, env);
  } catch (e) {
    expect(e).toBeInstanceOf(AtqError);
    expect((e as AtqError).code).toBe('DOCKER_CONNECT');
    return e as AtqError;
  }
  throw new Error('resolveConnection accepted it');
}

describe('resolveConnection: where to connect', () => {
  test('DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, as the docker CLI reads them', () => {
    const c = resolveConnection(
      { insecurePlaintext: false },
      { DOCKER_HOST: 'tcp://10.1.2.3:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir },
    );
    expect(c).toMatchObject({ host: '10.1.2.3', port: 2376, protocol: 'https' });
    expect([c.ca, c.cert, c.key]).toEqual([pem('ca.pem'), pem('cert.pem'), pem('key.pem')]);
  });

  test('PEM text from flags or ATQ_TLS_* (CI secrets) instead of files', () => {
    const c = resolveConnection(
      { host, ca: pem('ca.pem'), insecurePlaintext: false },
      { ATQ_TLS_CERT: pem('cert.pem'), ATQ_TLS_KEY: pem('key.pem') },
    );
    expect(c).toMatchObject({ protocol: 'https', ca: pem('ca.pem'), cert: pem('cert.pem') });
  });

  test('paths in options; a CA file may be a bundle of several certificates', () => {
    writeFileSync(file('bundle.pem'), `${pem('ca.pem')}\n${pem('cert.pem')}`);
    const c = resolveConnection({
      host,
      ca: file('bundle.pem'),
      cert: file('cert.pem'),
      key: file('key.pem'),
      insecurePlaintext: false,
    });
    expect(c).toMatchObject({ ca: pem('bundle.pem'), cert: pem('cert.pem'), key: pem('key.pem') });
  });

  test('unix sockets need no TLS; plaintext tcp needs --insecure-plaintext', () => {
    expect(resolveConnection({ insecurePlaintext: false }, {})).toMatchObject({
      socketPath: '/var/run/docker.sock',
    });
    expect(() => resolveConnection({ host: 'tcp://h:2375', insecurePlaintext: false }, {})).toThrow(
      /Refusing to talk to tcp:\/\/h:2375 without TLS/,
    );
    expect(resolveConnection({ host: 'tcp://h', insecurePlaintext: true }, {})).toMatchObject({
      protocol: 'http',
      port: 2375,
    });
  });

  test('clear errors for a bad URL, a missing file, and a CA without a client key', () => {
    expect(() => resolveConnection({ host: 'ftp://x', insecurePlaintext: false }, {})).toThrow(
      /not understood/,
    );
    expect(connectError({ ca: '/nope/ca.pem' }).message).toMatch(
      /^Cannot read the CA certificate at \/nope\/ca.pem \(given to --tls-ca\): ENOENT/,
    );
    expect(connectError({ ca: pem('ca.pem') }).message).toContain('needs a client certificate and key');
  });
});

describe('resolveConnection: certificates and key are checked, naming where they came from', () => {
  const pair = { cert: pem('cert.pem'), key: pem('key.pem') };

  test('garbage PEM text for the CA: which option, that it is no certificate, why, and what to give', () => {
    const e = connectError({ ca: GARBAGE_CERT, ...pair });
    expect(e.message).toBe(
      'The CA certificate (the PEM text given to --tls-ca) is not a usable PEM certificate: bad base64 decode. ' +
        "Give the CA certificate that signed the engine's certificate (ca.pem) to --tls-ca or ATQ_TLS_CA: " +
        'a file path, or the PEM text including its -----BEGIN and -----END lines.',
    );
  });

  test('a CA secret stored on one line ("\\n" instead of line breaks) is explained', () => {
    const oneLine = pem('ca.pem').replace(/\n/g, '\\n');
    const e = connectError({ ...pair }, { ATQ_TLS_CA: oneLine });
    expect(e.message).toContain('The CA certificate (the PEM text in ATQ_TLS_CA) is not a usable PEM');
    expect(e.message).toContain('the text has "\\n" where line breaks belong');
  });

  test('one bad certificate in a CA bundle is named by its position', () => {
    writeFileSync(file('bad-bundle.pem'), `${pem('ca.pem')}${GARBAGE_CERT}\n`);
    const e = connectError({ ca: file('bad-bundle.pem'), ...pair });
    expect(e.message).toContain(`The CA certificate (${file('bad-bundle.pem')} (given to --tls-ca))`);
    expect(e.message).toContain('certificate 2 of 2: bad base64 decode');
  });

  test('a client certificate file that is not a certificate', () => {
    const e = connectError({ cert: file('key.pem'), key: pair.key });
    expect(e.message).toContain(
      `The client certificate (${file('key.pem')} (given to --tls-cert)) is not a usable PEM certificate: ` +
        'it holds a PRIVATE KEY, not a CERTIFICATE. Give the client certificate signed by that CA (cert.pem)',
    );
    expect(e.message).not.toContain(pair.key.split('\n')[1]);
  });

  test('garbage key text: the message says where it came from but never quotes it', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n';
    const e = connectError({ cert: pair.cert }, { ATQ_TLS_KEY: key });
    expect(e.message).toMatch(
      /^The client key \(the PEM text in ATQ_TLS_KEY\) is not a usable PEM private key: \w.*\. Give the unencrypted private key of the client certificate \(key.pem\) to --tls-key or ATQ_TLS_KEY/,
    );
    expect(e.message).not.toContain('c2VjcmV0');
    expect(JSON.stringify(e.details)).not.toContain('c2VjcmV0');
  });

  test('an encrypted key is refused with how to decrypt it', () => {
    const e = connectError({ cert: pair.cert, key: file('encrypted-key.pem') });
    expect(e.message).toContain('it is encrypted with a passphrase (decrypt it: openssl pkey');
  });

  test('a certificate and key that are not a pair', () => {
    const e = connectError({ cert: file('cert.pem'), key: pem('other-key.pem') });
    expect(e.message).toBe(
      `The client certificate (${file('cert.pem')} (given to --tls-cert)) and the client key (the PEM text ` +
        'given to --tls-key) are not a pair: the key does not belong to the certificate. Give the key.pem ' +
        'created together with that cert.pem (e.g. both from the same DOCKER_CERT_PATH folder).',
    );
  });

  test('a bad file in DOCKER_CERT_PATH is named as such', () => {
    const certs = path.join(dir, 'certs');
    mkdirSync(certs);
    writeFileSync(path.join(certs, 'ca.pem'), 'not a certificate\n');
    writeFileSync(path.join(certs, 'cert.pem'), pem('cert.pem'));
    writeFileSync(path.join(certs, 'key.pem'), pem('key.pem'));
    const e = connectError({}, { DOCKER_CERT_PATH: certs });
    expect(e.message).toBe(
      `The CA certificate ($DOCKER_CERT_PATH/ca.pem (${certs}/ca.pem)) is not a usable PEM certificate: ` +
        'there is no "-----BEGIN CERTIFICATE-----" line (a DER file? convert it to PEM with openssl). ' +
        "Put the CA certificate that signed the engine's certificate (ca.pem) there, or give it with --tls-ca.",
    );
  });

  test('text that is neither PEM nor a path (a mangled secret) is not echoed', () => {
    const e = connectError({ ...pair, ca: 'MIIBbDCCARO\nc2VjcmV0\n' });
    expect(e.message).toContain('The CA certificate given to --tls-ca is neither a file path nor PEM text');
    expect(e.message).not.toContain('c2VjcmV0');
  });
});
