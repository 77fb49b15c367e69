import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { readCsvJtl } from './read-csv.js';
import { readXmlJtl } from './read-xml.js';
import { JtlError, type ReadReport, type Sample } from './sample.js';

/** Reads a JTL file (CSV or XML, told apart by its first character) in one streaming pass. */
export async function readJtl(file: string, onSample: (s: Sample) => void): Promise<ReadReport> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(512), 0, 512, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new JtlError(file, 0, `cannot read: ${(e as Error).message}`);
  }
  const xml = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<');
  const stream = createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  return xml ? readXmlJtl(stream, file, onSample) : readCsvJtl(stream, file, onSample);
}

export { JtlError, type Sample, type ReadReport };
