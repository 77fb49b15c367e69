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

describe('countJtlRecords', () => {
  test('counts records, not lines: quoted newlines stay inside a record; the header is not counted', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-jtl-')), 'r.jtl');
    writeFileSync(file, 'timeStamp,label,failureMessage\n1,a,\n2,b,"line1\nline2"\r\n3,c,x');
    expect(await countJtlRecords(file)).toBe(3);
    writeFileSync(file, 'timeStamp,label\n');
    expect(await countJtlRecords(file)).toBe(0);
  });
});
