import { createReadStream } from 'node:fs';

/**
 * Counts the records of a CSV JTL (header excluded), honouring quoted fields that contain newlines,
 * in one streaming pass. Enough to tell "JMeter wrote results" from "JMeter wrote nothing".
 */
export async function countJtlRecords(file: string): Promise<number> {
  let records = 0;
  let inQuotes = false;
  let lineHasData = false;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c === 0x22) inQuotes = !inQuotes;
      else if (c === 0x0a && !inQuotes) {
        if (lineHasData) records++;
        lineHasData = false;
        continue;
      }
      if (c !== 0x0d) lineHasData = true;
    }
  }
  if (lineHasData) records++;
  return Math.max(0, records - 1);
}
