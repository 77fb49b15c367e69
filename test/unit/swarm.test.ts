import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConnection } from '../../src/swarm/connection.js';
import { demuxLines } from '../../src/swarm/demux.js';
import { countJtlRecords } from '../../src/results/count.js';

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

async function collect(chunks: Buffer[]) {
  const out = [];
  for await (const l of demuxLines(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(l);
  return out;
}

describe('demuxLines', () => {
  test('splits frames into lines per stream, including type 3 (swarm system errors) and frames cut anywhere', async () => {
    const all = Buffer.concat([
      frame(1, 'hello\nwor'),
      frame(2, 'oops\n'),
      frame(1, 'ld\n'),
      frame(3, 'task failed\n'),
      frame(1, 'tail'),
    ]);
    const pieces = [all.subarray(0, 5), all.subarray(5, 17), all.subarray(17)];
    expect(await collect(pieces)).toEqual([
      { stream: 'stdout', line: 'hello' },
      { stream: 'stderr', line: 'oops' },
      { stream: 'stdout', line: 'world' },
      { stream: 'system', line: 'task failed' },
      { stream: 'stdout', line: 'tail' },
    ]);
  });
  test('a raw (TTY) stream is read as stdout text', async () => {
    expect(await collect([Buffer.from('plain line\r\nnext\n')])).toEqual([
      { stream: 'stdout', line: 'plain line' },
      { stream: 'stdout', line: 'next' },
    ]);
  });
});

describe('resolveConnection', () => {
  const certs = mkdtempSync(path.join(os.tmpdir(), 'atq-certs-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem'])
    writeFileSync(path.join(certs, f), `-----BEGIN ${f}-----`);

  test('DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, as the docker CLI reads them', () => {
    const c = resolveConnection(
      { insecurePlaintext: false },
      { DOCKER_HOST: 'tcp://10.1.2.3:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
    );
    expect(c).toMatchObject({
      host: '10.1.2.3',
      port: 2376,
      protocol: 'https',
      ca: '-----BEGIN ca.pem-----',
      key: '-----BEGIN key.pem-----',
    });
  });
  test('PEM text from flags or ATQ_TLS_* (CI secrets) instead of files', () => {
    const c = resolveConnection(
      { host: 'tcp://swarm:2376', ca: '-----BEGIN CERTIFICATE-----x', insecurePlaintext: false },
      { ATQ_TLS_CERT: '-----BEGIN CERTIFICATE-----c', ATQ_TLS_KEY: '-----BEGIN KEY-----k' },
    );
    expect(c).toMatchObject({
      protocol: 'https',
      ca: '-----BEGIN CERTIFICATE-----x',
      cert: '-----BEGIN CERTIFICATE-----c',
    });
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
    expect(() =>
      resolveConnection({ host: 'tcp://h', ca: '/nope/ca.pem', insecurePlaintext: false }, {}),
    ).toThrow(/Cannot read the CA certificate at \/nope\/ca.pem/);
    expect(() =>
      resolveConnection({ host: 'tcp://h', ca: '-----BEGIN x', insecurePlaintext: false }, {}),
    ).toThrow(/needs a client certificate and key/);
  });
});

describe('countJtlRecords', () => {
  test('counts records, not lines: quoted newlines stay inside a record; the header is not counted', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-jtl-')), 'r.jtl');
    writeFileSync(file, 'timeStamp,label,failureMessage\n1,a,\n2,b,"line1\nline2"\r\n3,c,x');
    expect(await countJtlRecords(file)).toBe(3);
    writeFileSync(file, 'timeStamp,label\n');
    expect(await countJtlRecords(file)).toBe(0);
  });
});
