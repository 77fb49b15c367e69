import { PATHS } from './ports.js';

/**
 * Live statistics (issue 24): a follower in the master's or each engine's container prints the rows JMeter
 * appends to results.jtl on the container's output, which the core already follows (through the manager,
 * for tasks on any node). Each line is `atq-live[:<slot>] <kind> <payload>`:
 *
 *   h <header>                 the JTL's header line, as it is (its delimiter and columns)
 *   r ts,elapsed,ok,threads,host,label
 *                              a plain row (no quote in it), cut down to what live statistics read
 *   q <line>                   a line of a row that has quotes (a label or message with the delimiter, a
 *                              message over several lines): as it is, parsed with the header by the core
 *   off <why>                  the follower cannot read this JTL (not CSV, no header): no live statistics
 *   end                        (engines) the follower has printed every row; nothing follows
 *
 * Only GNU tail (coreutils, in every Debian/Ubuntu-based image such as ATQ's and eclipse-temurin) can follow
 * a file until a process ends; without it the follower says `off`. JMeter is not touched: the follower only
 * reads the file JMeter writes anyway.
 */
export const LIVE_PREFIX = 'atq-live';

/**
 * The cut-down rows. `$th`/`$ho` point past the last column when the JTL lacks them (thread counts or
 * hostnames turned off), which awk reads as empty. A line with a quote, and every line of a record whose
 * quotes are still open, goes out whole. mawk (Debian's awk) waits for a full input buffer unless told
 * `-W interactive`; fflush() makes every awk write each line at once.
 */
const AWK = `function out(kind, text) { print tag " " kind " " text; fflush() }
NR == 1 {
  if (index($0, "timeStamp") != 1) { out("off", "the results file has no CSV header"); exit }
  d = substr($0, 10, 1); n = split($0, h, d)
  for (i = 1; i <= n; i++) c[h[i]] = i
  el = c["elapsed"]; lb = c["label"]; ok = c["success"]
  th = c["allThreads"] ? c["allThreads"] : n + 1; ho = c["Hostname"] ? c["Hostname"] : n + 1
  if (!el || !lb || !ok) { out("off", "the results file has no elapsed, label or success column"); exit }
  FS = d; out("h", $0); next
}
q || index($0, "\\"") { out("q", $0); if (gsub(/"/, "&") % 2) q = !q; next }
{ out("r", $1 "," $el "," ($ok == "true" ? 1 : 0) "," $th "," $ho "," $lb) }`;

/**
 * Shell that starts the follower in the background: it reads results.jtl from its first line as JMeter
 * writes it and ends once the process `pid` (a shell expression) has ended and the rest is read.
 * `tag` is the prefix's shell text (`atq-live`, or `atq-live:$ATQ_WORKER_INDEX` for engines). With
 * `keep`, sets `live` to the follower's pid (for liveEnd).
 */
export function liveFollower(tag: string, pid: string, keep = false): string {
  const file = `${PATHS.outDir}/results.jtl`;
  return `${keep ? 'live=\n' : ''}if tail --version 2>/dev/null | grep -q GNU; then
  atq_awk() { if awk -W interactive 'BEGIN { exit 0 }' </dev/null >/dev/null 2>&1; then awk -W interactive "$@"; else awk "$@"; fi; }
  { tail -n +1 -F -s 0.5 --pid="${pid}" ${file} 2>/dev/null | atq_awk -v tag="${tag}" '${AWK}'; } &
${keep ? '  live=$!\n' : ''}else
  echo "${tag} off this image's tail cannot follow a file (live statistics need GNU coreutils)"
fi
`;
}

/** Waits for the follower started by liveFollower (after `pid` has ended), then says it is done. */
export function liveEnd(tag: string): string {
  return `if [ -n "$live" ]; then wait "$live"; fi\necho "${tag} end"\n`;
}
