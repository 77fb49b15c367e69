package io.atq.jenkins

import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurperClassic

/** Reads what the CLI printed and wrote. Pure helpers on strings: the step does the file access. */
class AtqResults implements Serializable {
  private static final long serialVersionUID = 1L

  /** Bytes of a CLI output capture the step reads: its start (the run id line) and its end (the error). */
  static final int CAPTURE_HEAD = 16384
  static final int CAPTURE_TAIL = 65536

  /** The last JSON line on the CLI's stdout: [runId, status, verdict, outDir], or null. */
  @NonCPS
  static Map lastJsonLine(String stdout) {
    if (stdout == null) return null
    List<String> lines = stdout.readLines().collect { it.trim() }.findAll { it.startsWith('{') }
    for (int i = lines.size() - 1; i >= 0; i--) {
      try {
        Object parsed = new JsonSlurperClassic().parseText(lines[i])
        if (parsed instanceof Map && ((Map) parsed).containsKey('runId')) return (Map) parsed
      } catch (Exception ignored) {
        // not the CLI's line
      }
    }
    return null
  }

  @NonCPS
  static Map parseJson(String text) {
    if (text == null || text.trim().isEmpty()) return null
    Object parsed = new JsonSlurperClassic().parseText(text)
    return (parsed instanceof Map) ? (Map) parsed : null
  }

  /** The run id from the CLI's first line, "run <id>: results go to ...". */
  @NonCPS
  static String runIdFromLog(String stderr) {
    if (stderr == null) return null
    def m = (stderr =~ /run (\S+): results go to/)
    return m.find() ? m.group(1) : null
  }

  /**
   * Gates that failed, as "expression (actual X, threshold Y: reason)". A skipped gate (a baseline gate without
   * a baseline, --baseline-missing skip) has passed: false too, but did not fail: status tells them apart. An
   * inconclusive gate fails the run only under --inconclusive fail (then it is among these, its reason saying so).
   */
  @NonCPS
  static List<String> failedGates(Map summary) {
    List<String> out = []
    for (Map gate : gatesOf(summary)) {
      boolean failed = gate.status != null ?
        gate.status == 'failed' || (gate.status == 'inconclusive' && summary.inconclusive == 'fail') : !gate.passed
      if (failed) out << "${gate.expression} (actual ${gate.actual}, threshold ${gate.threshold}: ${gate.reason})".toString()
    }
    return out
  }

  /**
   * Baseline gates the history could not decide that did not fail the run (--inconclusive pass, the default), as
   * "expression: reason" (the reason holds the numbers and the smallest regression the history could catch).
   */
  @NonCPS
  static List<String> inconclusiveGates(Map summary) {
    if (summary?.inconclusive == 'fail') return []
    return gatesOf(summary).findAll { it.status == 'inconclusive' }.collect { "${it.expression}: ${it.reason}".toString() }
  }

  @NonCPS
  private static List<Map> gatesOf(Map summary) {
    if (summary == null || !(summary.gates instanceof List)) return []
    return ((List) summary.gates).findAll { it instanceof Map }.collect { (Map) it }
  }

  /**
   * The step's return value. With one plan its summary.json gives the statistics; with several plans
   * samples is the sum and the other statistics are null (each plan's summary.json has its own).
   */
  @NonCPS
  static Map resultMap(Map line, Map run, List<Map> summaries, String resultsDir) {
    Map r = [
      runId     : line?.runId ?: run?.runId,
      status    : line?.status ?: run?.status,
      verdict   : line?.verdict ?: run?.verdict,
      // What auto-stop saw when it ended the run early ("stopped the run at 1m42s: ..."), or null.
      autoStop  : run?.autoStop instanceof Map ? run.autoStop.message : null,
      // A load generator was saturated (generator health): the latencies may be the generator's.
      unreliable: run?.unreliable instanceof Map || summaries.any { it?.unreliable instanceof Map },
      samples   : null,
      errorRate : null,
      p95       : null,
      throughput: null,
      resultsDir: resultsDir,
    ]
    List<Map> found = summaries.findAll { it != null }
    if (found.size() == 1) {
      Map t = (Map) found[0].totals
      if (t != null) {
        r.samples = t.samples
        r.errorRate = t.errorRate
        r.p95 = t.p95
        r.throughput = t.throughput
      }
    } else if (found.size() > 1) {
      r.samples = found.collect { ((Map) it.totals)?.samples ?: 0 }.sum()
    }
    return r
  }

  /** Where each plan's reports are (outDir of every plan in run.json), or [resultsDir] without run.json. */
  @NonCPS
  static List<String> planDirs(Map run, String resultsDir) {
    List<String> dirs = []
    if (run != null && run.plans instanceof List) {
      for (Object p : (List) run.plans) {
        if (p instanceof Map && ((Map) p).outDir) dirs << String.valueOf(((Map) p).outDir)
      }
    }
    return dirs ?: [resultsDir]
  }

  /** The oldest Node.js the CLI runs on: package.json's engines (test/unit/node-version.test.ts compares them). */
  static final String OLDEST_NODE = '22.13.0'

  /** A version as one number that compares as versions do ("v22.13.1" or "22.13.1" -> 22013001), or -1. */
  @NonCPS
  static long nodeVersionNumber(String version) {
    def m = ((version ?: '').trim() =~ /^v?(\d+)\.(\d+)\.(\d+)/)
    if (!m.find()) return -1
    return Long.parseLong(m.group(1)) * 1000000 + Long.parseLong(m.group(2)) * 1000 + Long.parseLong(m.group(3))
  }

  /** The CLI's error without "atq: error " (its [CODE] first) and the lines after it, or null. */
  @NonCPS
  static String errorMessage(String stderr) {
    if (stderr == null) return null
    List<String> lines = stderr.readLines()
    int at = lines.findIndexOf { it.trim().startsWith('atq: error [') || it.trim().startsWith('atq: unexpected error') }
    if (at < 0) return null
    List<String> msg = []
    for (int i = at; i < lines.size() && msg.size() < 30; i++) {
      String t = lines[i]
      if (t.startsWith('Run `atq help`')) continue
      msg << t
    }
    String first = msg[0].trim()
    msg[0] = first.startsWith('atq: error ') ? first.substring('atq: error '.length()) : first
    return msg.join('\n').trim()
  }

  @NonCPS
  static String lastLines(String text, int n) {
    List<String> lines = (text ?: '').readLines()
    return lines.subList(Math.max(0, lines.size() - n), lines.size()).join('\n')
  }
}
