// Writes a deterministic CSV JTL for benchmarks: JMeter 5.6 columns plus Hostname, 20 labels, long-tailed
// (log-normal) latencies, about 1 % errors including text response codes and quoted messages with commas.
// Usage: node scripts/gen-jtl.mjs OUT.jtl SAMPLES
import { createWriteStream } from 'node:fs';

const [out, countText] = process.argv.slice(2);
const count = Number(countText);
if (!out || !Number.isInteger(count) || count <= 0) {
  console.error('usage: node scripts/gen-jtl.mjs OUT.jtl SAMPLES');
  process.exit(2);
}
let seed = 0x9e3779b9;
const rand = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
const labels = Array.from({ length: 20 }, (_, i) =>
  i === 7 ? '"GET /search?q=a,b"' : `${i % 2 ? 'POST' : 'GET'} /api/v1/resource-${i}`,
);
const medians = labels.map((_, i) => 20 + i * 15);
const hosts = ['atq-run-workers-1', 'atq-run-workers-2', 'atq-run-workers-3', 'atq-run-workers-4'];
const header =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect,Hostname\n';

const stream = createWriteStream(out, { highWaterMark: 1 << 20 });
stream.write(header);
const start = 1_764_000_000_000;
const rate = 2000; // samples per second overall
let buf = '';
for (let i = 0; i < count; i++) {
  const li = Math.floor(rand() * labels.length);
  const elapsed = Math.max(0, Math.round(medians[li] * Math.exp(0.6 * gauss())));
  const ts = start + Math.floor((i * 1000) / rate);
  const r = rand();
  let code = '200',
    msg = 'OK',
    ok = 'true',
    failure = '';
  if (r < 0.005) {
    code = '500';
    msg = 'Internal Server Error';
    ok = 'false';
    failure = '"Test failed: code expected 200, got 500"';
  } else if (r < 0.01) {
    code = '"Non HTTP response code: java.net.SocketTimeoutException"';
    msg = '"Non HTTP response message: Read timed out"';
    ok = 'false';
    failure = '';
  }
  const host = hosts[i % hosts.length];
  const threads = 40;
  buf += `${ts},${elapsed},${labels[li]},${code},${msg},${host}-Thread Group 1-${(i % 10) + 1},text,${ok},${failure},${1000 + (i % 500)},${200 + (i % 50)},10,${threads},http://target:8080/x,${Math.round(elapsed * 0.8)},${host},0,${elapsed % 7}\n`;
  if (buf.length > 1 << 20) {
    if (!stream.write(buf)) await new Promise((r) => stream.once('drain', r));
    buf = '';
  }
}
stream.write(buf);
stream.end();
await new Promise((r) => stream.on('finish', r));
