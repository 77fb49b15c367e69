// runLoadTest: runs a distributed JMeter load test on a Docker Swarm with the atq CLI (bundled as a library
// resource), then archives the results, publishes the gates as JUnit and the HTML report, and sets the build
// result from the gates. A thin layer over `atq run`: no orchestration or analysis here. See runLoadTest.txt.
import hudson.AbortException
import io.atq.jenkins.AtqHistory
import io.atq.jenkins.AtqOptions
import io.atq.jenkins.AtqResults

def call(Map params = [:]) {
  Map p = params == null ? [:] : params
  List<String> problems = AtqOptions.problems(p)
  if (p.outDir instanceof CharSequence && !AtqOptions.isWorkspaceRelative(p.outDir.toString())) {
    problems << "runLoadTest: outDir must be a path inside the workspace (relative, no '..'), got '${p.outDir}'".toString()
  }
  if (problems) {
    error(problems.join('\n'))
  }

  String nodeVersion = sh(script: 'node --version 2>/dev/null || true', returnStdout: true).trim()
  if (AtqResults.nodeVersionNumber(nodeVersion) < AtqResults.nodeVersionNumber(AtqResults.OLDEST_NODE)) {
    error("runLoadTest needs Node.js ${AtqResults.OLDEST_NODE} or later on the agent (found: ${nodeVersion ?: 'no node on PATH'}). " +
      "Run the stage in a Node container, agent { docker { image 'node:24' } }, or install Node with the " +
      "NodeJS plugin (a NodeJS tool installation, then tools { nodejs 'node-24' } or nodejs('node-24') { ... }).")
  }

  String workspace = pwd()
  // This run's own folder next to the workspace (<workspace>@tmp, see atqRunDir): the CLI, its output, the
  // baseline copy and the report to publish. Nothing of the checkout is in it or above it.
  String runDir = atqRunDir()
  try {
    return atqRun(p, workspace, runDir)
  } finally {
    sh(script: "set +x\nrm -rf ${AtqOptions.shellQuote(runDir)}", returnStatus: true)
  }
}

/** Runs the CLI from runDir in the workspace, then reads, archives and publishes what it wrote. */
def atqRun(Map p, String workspace, String runDir) {
  String failOn = p.failOn ?: 'UNSTABLE'
  String cliFile = "${runDir}/atq-cli.mjs"
  String outFile = "${runDir}/stdout"
  String errFile = "${runDir}/stderr"
  writeFile(file: cliFile, text: libraryResource('io/atq/atq-cli.mjs'))
  String node = "node ${AtqOptions.shellQuote(cliFile)}"

  int status = -1
  boolean returned = false
  Map line = null
  Map run = null
  List<Map> summaries = []
  String resultsDir = null
  String stderr = ''
  try {
    Map cli = p
    if (p.baseline == 'lastSuccessful') {
      Map copy = AtqOptions.baselineCopy((String) p.outDir, "${runDir}/baseline")
      String path = atqCopyHistory(copy, AtqHistory.runs(p), (String) (p.baselineMissing ?: 'skip'))
      cli = AtqOptions.withCopiedBaseline(p, path)
    }
    List<String> args = ['run']
    args.addAll(AtqOptions.cliArgs(cli))
    // stdout (the JSON line) and stderr to files; tail shows stderr in the log as it grows (GNU tail ends once
    // node has and after printing the rest; without --pid the log gets it at the end). No pipe: when Jenkins
    // aborts, it signals every process, and a dead reader would cut the CLI's cleanup short.
    // The files exist before tail looks (else it fails at once); one wait only (a second on a reaped pid is 127).
    String out = AtqOptions.shellQuote(outFile)
    String err = AtqOptions.shellQuote(errFile)
    String script = 'set +x\n' +
      ": >${out}; : >${err}\n" +
      "${node} ${AtqOptions.shellWords(args)} >${out} 2>${err} &\n" +
      'pid=$!\n' +
      'tailed=yes\n' +
      "tail -n +1 -f --pid=\$pid ${err} 2>/dev/null || tailed=no\n" +
      'st=0\n' +
      'wait $pid || st=$?\n' +
      "[ \$tailed = yes ] || cat ${err}\n" +
      'exit $st\n'
    status = atqWithDocker(p) {
      sh(script: script, returnStatus: true)
    }
    returned = true
  } finally {
    stderr = atqReadCapture(errFile)
    if (!returned || !(status in [0, 1, 3, 130])) {
      // Aborted, timed out or killed: the CLI cleans up on SIGTERM; this is the safety net. Through a server
      // (p.server) there is nothing of the run here: the server removes what its task created.
      String id = p.server ? null : AtqResults.runIdFromLog(stderr)
      if (id) {
        echo "runLoadTest: the run did not end normally; the CLI's last words:\n${AtqResults.lastLines(stderr, 15)}"
        echo "runLoadTest: removing what run ${id} left on the swarm"
        String cleanup = "${node} ${AtqOptions.shellWords(['cleanup', '--run', id, '--force'])}"
        try {
          atqWithDocker(p) {
            sh(script: cleanup, returnStatus: true)
          }
        } catch (Exception e) {
          echo "runLoadTest: cleanup failed (${e.message}); run: atq cleanup --run ${id} --force"
        }
      }
    }
    line = AtqResults.lastJsonLine(atqReadCapture(outFile))
    String absOut = line?.outDir
    if (absOut == null) {
      String id = AtqResults.runIdFromLog(stderr)
      if (id) absOut = "${workspace}/${p.outDir ?: 'atq-results'}/${id}".toString()
    }
    resultsDir = AtqOptions.relativeTo(workspace, absOut)
    if (resultsDir != null && fileExists("${resultsDir}/run.json")) {
      run = AtqResults.parseJson(readFile("${resultsDir}/run.json"))
    }
    List<String> planDirs = []
    if (resultsDir != null) {
      for (String d : AtqResults.planDirs(run, absOut)) {
        String rel = AtqOptions.relativeTo(workspace, d)
        if (rel != null) planDirs << rel
      }
    }
    for (String d : planDirs) {
      if (fileExists("${d}/summary.json")) summaries << AtqResults.parseJson(readFile("${d}/summary.json"))
    }
    atqPublish(resultsDir, planDirs, runDir)
  }

  Map result = AtqResults.resultMap(line, run, summaries, resultsDir)
  atqWarnInconclusive(summaries)
  if (status == 0) return result
  if (status == 3) {
    List<String> failed = []
    for (Map s : summaries) failed.addAll(AtqResults.failedGates(s))
    String msg = "runLoadTest: performance gates failed: ${failed ? failed.join('; ') : 'see summary.md'}"
    // Auto-stop ended the run: what it saw comes first (its criterion is among the failed gates).
    if (result.autoStop) msg = "runLoadTest: auto-stop ${result.autoStop}; ${msg.substring('runLoadTest: '.length())}"
    if (failOn == 'FAILURE') error(msg)
    unstable(msg)
    return result
  }
  String cliError = AtqResults.errorMessage(stderr)
  if (status == 130) error("runLoadTest: atq run was interrupted (exit code 130)${cliError ? ': ' + cliError : ''}")
  error("runLoadTest: ${cliError ?: "atq run failed with exit code ${status}"}")
}

/**
 * A new folder of this run's own under pwd(tmp: true), <workspace>@tmp: a sibling of the workspace, so Node's
 * module resolution from the CLI there never reaches the checkout's node_modules, and nothing a checkout
 * holds is on the way to it. mktemp makes it anew (0700): no link planted in advance can be at its paths.
 */
String atqRunDir() {
  String tmp = pwd(tmp: true)
  // Inside dir('perf') { } it is perf@tmp, in the checkout (which may have put a link there): not that one.
  if (env.WORKSPACE && AtqOptions.relativeTo((String) env.WORKSPACE, tmp) != null) tmp = "${env.WORKSPACE}@tmp"
  String q = AtqOptions.shellQuote(tmp)
  String made = sh(script: "set +x\nmkdir -p ${q} && mktemp -d ${q}/atq-XXXXXXXX", returnStdout: true)
  return made.trim()
}

/**
 * What the CLI printed to a capture file, at most about 80 KB: its start (the run id) and its end (the JSON
 * line, the error). Containers' output is among it, and readFile would carry all of it to the controller.
 */
String atqReadCapture(String file) {
  String f = AtqOptions.shellQuote(file)
  String script = 'set +x\n' +
    "[ -f ${f} ] || exit 0\n" +
    "n=\$(wc -c <${f})\n" +
    "if [ \"\$n\" -le ${AtqResults.CAPTURE_HEAD + AtqResults.CAPTURE_TAIL} ]; then cat ${f}; exit 0; fi\n" +
    "head -c ${AtqResults.CAPTURE_HEAD} ${f}\n" +
    "printf '\\n[runLoadTest: %s bytes left out]\\n' \$((n - ${AtqResults.CAPTURE_HEAD + AtqResults.CAPTURE_TAIL}))\n" +
    "tail -c ${AtqResults.CAPTURE_TAIL} ${f}\n"
  return sh(script: script, returnStdout: true)
}

/**
 * An inconclusive baseline gate did not fail (the history cannot tell its change from noise): no UNSTABLE, which
 * in Jenkins says tests failed, but a warning naming each such gate, as the CLI's exit code 0 and the skipped
 * test in junit.xml say. inconclusive: 'fail' makes them fail the run instead (then failOn decides).
 */
def atqWarnInconclusive(List<Map> summaries) {
  List<String> gates = []
  for (Map s : summaries) gates.addAll(AtqResults.inconclusiveGates(s))
  if (!gates) return
  echo "runLoadTest: WARNING: ${gates.size()} baseline gate${gates.size() == 1 ? '' : 's'} inconclusive, not " +
    "failing the build (inconclusive: 'fail' would):\n  " + gates.join('\n  ')
}

/**
 * baseline: 'lastSuccessful': the history of the job's last `runs` successful builds (SUCCESS or UNSTABLE, as
 * Copy Artifact's lastSuccessful() means it): walks currentBuild.previousBuild (whitelisted RunWrapper calls
 * only: no script approval) and copies each build's summary.json files with copyArtifacts(selector:
 * specific(n)) into copy.target/<number>/. A build without any (discarded artifacts) is skipped with a note.
 * Returns the folder for --baseline, or null without the plugin; says how many builds it found.
 */
def atqCopyHistory(Map copy, int runs, String missing) {
  String then = missing == 'skip' ? 'baseline gates skipped' : "not skipping baseline gates (baselineMissing: 'fail')"
  Map walk = [cursor: currentBuild, looked: 0, limit: AtqHistory.lookback(runs), end: false]
  List<Integer> found = []
  try {
    while (found.size() < runs) {
      List<Integer> batch = atqNextSuccessful(walk, runs - found.size())
      if (!batch) break
      found.addAll(atqCopyBuilds(copy, batch))
    }
  } catch (NoSuchMethodError e) {
    // Pipeline's "No such DSL method 'copyArtifacts' (or 'specific') found among steps [...]".
    if (!String.valueOf(e.message).contains('No such DSL method')) throw e
    echo "runLoadTest: Copy Artifact plugin not installed: no summary.json of earlier builds to compare with; ${then}"
    return null
  } catch (AbortException e) {
    // "Unable to find project for artifact copy": no such job, or Jenkins' security does not let it copy from
    // itself without the job property "Permission to Copy Artifact" (optional: true does not cover that).
    echo "runLoadTest: could not copy summary.json from the earlier builds of ${env.JOB_NAME} (${e.message}); " +
      "${found ? "comparing with the ${found.size()} found before" : then}. If the job may not copy its own " +
      "artifacts, allow it with options { copyArtifactPermission('/${env.JOB_NAME}') }"
    return (String) copy.path
  }
  echo "runLoadTest: ${AtqHistory.note(walk, found, runs, copy, (String) env.JOB_NAME, then)}"
  return (String) copy.path
}

/**
 * The next (at most) k successful builds before walk.cursor, newest first, moving the cursor. A running build
 * (no result yet), FAILURE, ABORTED and NOT_BUILT are passed over; deleted builds are not in the chain.
 */
List<Integer> atqNextSuccessful(Map walk, int k) {
  List<Integer> out = []
  while (out.size() < k && !walk.end) {
    if (walk.looked >= walk.limit) {
      walk.end = true
      walk.limited = true
      break
    }
    walk.cursor = walk.cursor.previousBuild
    if (walk.cursor == null) {
      walk.end = true
      break
    }
    walk.looked = walk.looked + 1
    if (walk.cursor.result in AtqHistory.SUCCESSFUL) out << (int) walk.cursor.number
  }
  return out
}

/**
 * Copies each build's summary.json files into copy.target/<number>/ (optional: a build whose artifacts are gone
 * copies nothing, and says nothing), tidies them, and returns the numbers of those that had any; notes the others.
 */
List<Integer> atqCopyBuilds(Map copy, List<Integer> numbers) {
  for (Integer n : numbers) {
    copyArtifacts(projectName: env.JOB_NAME, selector: specific(String.valueOf(n)), filter: copy.filter,
                  target: "${copy.target}/${n}", optional: true, fingerprintArtifacts: false)
  }
  String script = AtqHistory.tidyScript((String) copy.target, (String) copy.out, numbers)
  List<Integer> have = AtqHistory.withSummaries(numbers, sh(script: script, returnStdout: true))
  for (Integer n : numbers) {
    if (!(n in have)) {
      echo "runLoadTest: build #${n} of ${env.JOB_NAME} has no ${copy.filter} (its artifacts were discarded, " +
        'or it archived none): not in the history'
    }
  }
  return have
}

/**
 * Runs body with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH set from the parameters, ATQ_TOKEN from
 * tokenCredentialsId (a Secret text credential) and the secrets given as parameters (token, tlsCa/Cert/Key) in
 * the environment: none is ever on a command line or in the log. ATQ_UNTRUSTED_WORKSPACE tells the CLI that
 * the workspace is a checkout: its atq.yml may not name the target or credentials, no path may lead out of it.
 */
def atqWithDocker(Map p, Closure body) {
  List<String> envs = ['ATQ_UNTRUSTED_WORKSPACE=1']
  if (p.dockerHost) envs << "DOCKER_HOST=${p.dockerHost}".toString()
  if (p.dockerCredentialsId) envs << 'DOCKER_TLS_VERIFY=1'
  envs.addAll(AtqOptions.secretEnv(p))
  List bindings = []
  if (p.dockerCredentialsId) bindings << dockerCert(credentialsId: p.dockerCredentialsId, variable: 'DOCKER_CERT_PATH')
  if (p.tokenCredentialsId) bindings << string(credentialsId: p.tokenCredentialsId, variable: 'ATQ_TOKEN')
  def out = null
  withEnv(envs) {
    if (bindings) {
      withCredentials(bindings) {
        out = body()
      }
    } else {
      out = body()
    }
  }
  return out
}

/**
 * Archives the results folder, records the gates as tests and publishes each plan's report.html, whatever
 * the outcome. The report is published from a folder of its own in runDir holding only ATQ's report.html
 * and report.css: the plan's folder also holds files the JMeter master wrote, which the HTML Publisher would
 * serve from Jenkins' origin with the report.
 */
def atqPublish(String resultsDir, List<String> planDirs, String runDir) {
  if (resultsDir == null || !fileExists(resultsDir)) {
    echo 'runLoadTest: no results folder to archive'
    return
  }
  archiveArtifacts(artifacts: "${resultsDir}/**", allowEmptyArchive: true)
  for (String d : planDirs) {
    if (fileExists("${d}/junit.xml")) junit(testResults: "${d}/junit.xml", allowEmptyResults: true)
  }
  for (int i = 0; i < planDirs.size(); i++) {
    String d = planDirs[i]
    if (!fileExists("${d}/report.html")) continue
    String name = planDirs.size() == 1 ? 'Load test report' : "Load test report (${AtqOptions.baseName(d)})"
    String reportDir = "${runDir}/report-${i + 1}"
    sh(script: AtqOptions.reportCopyScript(d, reportDir), returnStatus: true)
    try {
      publishHTML(target: [reportDir: reportDir, reportFiles: 'report.html', reportName: name, keepAll: true,
                           alwaysLinkToLastBuild: true, allowMissing: true])
    } catch (NoSuchMethodError e) {
      echo "runLoadTest: the HTML Publisher plugin is not installed; ${d}/report.html is in the archived artifacts"
      return
    } catch (MissingMethodException e) {
      if (e.method != 'publishHTML') throw e
      echo "runLoadTest: the HTML Publisher plugin is not installed; ${d}/report.html is in the archived artifacts"
      return
    }
  }
}
