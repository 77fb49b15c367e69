import { PATHS } from './ports.js';

/**
 * Live statistics (issue 24): a follower in the master's or each engine's container prints the rows JMeter
 * appends to results.jtl on the container's output, which the core already follows (through the manager,
 * for tasks on any node). Each line is `atq-live[:<slot>] <kind> <payload>`:
 *
 *   h <header>                 the JTL's header line, as it is (its delimiter and columns)
 *   b <row>RS<row>…            plain rows (no quote in them), cut down to what live statistics read:
 *                              `ts,elapsed,ok,threads,host,label` each, joined by RS (\x1e)
 *   q <line>RS<line>…          lines of rows that have quotes (a label or message with the delimiter, a
 *                              message over several lines): as they are, parsed with the header by the core
 *   off <why>                  the follower cannot read this JTL (not CSV, no header): no live statistics
 *   end                        (engines) the follower has printed every row; nothing follows
 *
 * Rows go out in batches, every POLL seconds. A line per sample (5,000 a second) fell behind on a busy
 * 2-core swarm node: an engine's rows arrived 10 s late after 30 s, and 18,000 had not arrived when the run
 * ended; batch lines, about 40 times fewer, keep a median lag of half a second and lose nothing
 * (BENCHMARKS.md). Only POSIX sh and coreutils (wc, tail, head, awk, sleep): JMeter is not touched, the
 * follower only reads the file JMeter writes anyway.
 */
export const LIVE_PREFIX = 'atq-live';

/** Seconds between two reads of the results file: the lag the follower adds, at most. */
const POLL = 0.5;

/**
 * Longest batch (the line is its prefix longer). JMeter prints on the same output (its summariser lines): a
 * line goes out in one write (fflush) of at most PIPE_BUF (4 KiB on Linux), so that no line of JMeter's
 * lands inside one of ours (measured: a batch of 15 KB, written in pieces, was cut by a summariser line).
 */
export const LIVE_BATCH_BYTES = 4_000;

/**
 * One read: the file's bytes from `off` to `size` (lines JMeter has finished; a last line without its
 * newline yet is left for the next read, told apart by counting bytes: LC_ALL=C makes length() count them).
 * The header's columns come from the file's first line. `q` (inside a quoted record) and the bytes read so
 * far go to the state file for the next read; -1 there means: stop (the file cannot be read live). printf,
 * not print: mawk (Debian's awk) prints numbers past 2^31 as 3e+09.
 */
const AWK = `function out(kind, text) { print tag " " kind " " text; fflush() }
function flush() { if (nb) out("b", batch); if (nq) out("q", raw); batch = raw = ""; nb = nq = 0 }
function take(line) {
  if (q || index(line, "\\"")) {
    if (length(raw) + length(line) + 1 > max) flush()
    raw = nq++ ? raw "\\036" line : line
    if (gsub(/"/, "&", line) % 2) q = !q
    return
  }
  $0 = line
  row = $1 "," $el "," ($ok == "true" ? 1 : 0) "," $th "," $ho "," $lb
  if (length(batch) + length(row) + 1 > max) flush()
  batch = nb++ ? batch "\\036" row : row
}
function consume(line) {
  if (off == 0 && !started) out("h", line); else take(line)
  started = 1; used += length(line) + 1
}
BEGIN {
  used = off
  if ((getline hdr < file) <= 0 || length(hdr) + 1 > size) { wait = 1; exit }
  if (index(hdr, "timeStamp") != 1) { out("off", "the results file has no CSV header"); stop = 1; exit }
  d = substr(hdr, 10, 1); n = split(hdr, h, d)
  for (i = 1; i <= n; i++) c[h[i]] = i
  el = c["elapsed"]; lb = c["label"]; ok = c["success"]
  th = c["allThreads"] ? c["allThreads"] : n + 1; ho = c["Hostname"] ? c["Hostname"] : n + 1
  if (!el || !lb || !ok) { out("off", "the results file has no elapsed, label or success column"); stop = 1; exit }
  FS = d
}
{ line = $0; if (have) consume(held); held = line; have = 1 }
END {
  if (stop) used = -1
  else if (!wait) { if (have && used + length(held) + 1 <= size) consume(held); flush() }
  printf "%.0f %d\\n", used, q > state
}`;

/**
 * Shell that starts the follower in the background: every POLL seconds it prints what JMeter appended to
 * results.jtl, and ends once the process `pid` (a shell expression) has ended and the rest is printed.
 * `tag` is the prefix's shell text (`atq-live`, or `atq-live:$ATQ_WORKER_INDEX` for engines). With `keep`,
 * sets `live` to the follower's pid (for liveEnd).
 */
export function liveFollower(tag: string, pid: string, keep = false): string {
  const file = `${PATHS.outDir}/results.jtl`;
  // Not in PATHS.outDir: everything there is copied out with the results.
  const state = '/atq/live.state';
  return `${keep ? 'live=\n' : ''}(
  off=0 q=0
  while [ "$off" -ge 0 ]; do
    kill -0 "${pid}" 2>/dev/null; up=$?
    size=0; [ -f ${file} ] && size=$(wc -c < ${file})
    if [ "$size" -gt "$off" ]; then
      tail -c +$((off + 1)) ${file} | head -c $((size - off)) | LC_ALL=C awk -v tag="${tag}" -v off="$off" \\
        -v q="$q" -v size="$size" -v max=${LIVE_BATCH_BYTES} -v file=${file} -v state=${state} '${AWK}'
      read -r off q 2>/dev/null < ${state} || {
        off=-1; echo "${tag} off the image lacks awk, tail or head (coreutils) to read the results file live"
      }
    fi
    [ "$up" -eq 0 ] || break
    sleep ${POLL}
  done
) &
${keep ? 'live=$!\n' : ''}`;
}

/** Waits for the follower started by liveFollower (after `pid` has ended), then says it is done. */
export function liveEnd(tag: string): string {
  return `if [ -n "$live" ]; then wait "$live"; fi\necho "${tag} end"\n`;
}
