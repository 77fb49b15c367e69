import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demuxLines } from '../../src/swarm/demux.js';
import { countJtlRecords } from '../../src/results/count.js';

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

const header = (type: number, size: number) => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(size, 4);
  return h;
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
  test('a character split across frames of one stream, interleaved with another stream, decodes whole at every byte', async () => {
    const text = Buffer.from('Grüße 😀\n');
    for (let cut = 1; cut < text.length; cut++) {
      const all = Buffer.concat([
        frame(1, ''),
        Buffer.concat([header(1, cut), text.subarray(0, cut)]),
        frame(2, 'ß\n'),
        Buffer.concat([header(1, text.length - cut), text.subarray(cut)]),
      ]);
      // ... and the bytes themselves arrive cut at that point too
      expect(await collect([all.subarray(0, 8 + cut + 4), all.subarray(8 + cut + 4)])).toEqual([
        { stream: 'stderr', line: 'ß' },
        { stream: 'stdout', line: 'Grüße 😀' },
      ]);
    }
  });
  test('a raw (TTY) stream cut inside a character, and one shorter than a frame header, are read whole', async () => {
    const text = Buffer.from('naïve ünïcode\nend');
    for (let cut = 1; cut < text.length; cut++)
      expect(await collect([text.subarray(0, cut), text.subarray(cut)])).toEqual([
        { stream: 'stdout', line: 'naïve ünïcode' },
        { stream: 'stdout', line: 'end' },
      ]);
    expect(await collect([Buffer.from('ok\n')])).toEqual([{ stream: 'stdout', line: 'ok' }]);
  });
  test('a raw (TTY) stream is read as stdout text', async () => {
    expect(await collect([Buffer.from('plain line\r\nnext\n')])).toEqual([
      { stream: 'stdout', line: 'plain line' },
      { stream: 'stdout', line: 'next' },
    ]);
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
