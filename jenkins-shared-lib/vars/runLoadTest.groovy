// runLoadTest: runs a distributed JMeter load test on a Docker Swarm with the atq CLI (bundled as a library
// resource), then archives the results, publishes the gates as JUnit and the HTML report, and sets the build
// result from the gates. A thin layer over `atq run`: no orchestration or analysis here. See runLoadTest.txt.
import hudson.AbortException
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
  String failOn = p.failOn ?: 'UNSTABLE'

  String nodeVersion = sh(script: 'node --version 2>/dev/null || true', returnStdout: true).trim()
  if (AtqResults.nodeMajor(nodeVersion) < 20) {
    error("runLoadTest needs Node.js 20 or later on the agent (found: ${nodeVersion ?: 'no node on PATH'}). " +
      "Run the stage in a Node container, agent { docker { image 'node:24' } }, or install Node with the " +
      "NodeJS plugin (a NodeJS tool installation, then tools { nodejs 'node-24' } or nodejs('node-24') { ... }).")
  }

  String workspace = pwd()
  String stamp = String.valueOf(System.currentTimeMillis())
  String tag = ".atq/run-${stamp}"
  String outFile = "${tag}.stdout"
  String errFile = "${tag}.stderr"
  writeFile(file: '.atq/atq-cli.mjs', text: libraryResource('io/atq/atq-cli.mjs'))

  int status = -1
  boolean returned = false
  Map line = null
  Map run = null
  List<Map> summaries = []
  String resultsDir = null
  String stderr = ''
  Map copy = null
  try {
    try {
      Map cli = p
      if (p.baseline == 'lastSuccessful') {
        copy = AtqOptions.baselineCopy((String) p.outDir, stamp)
        String baselinePath = atqCopyBaseline(copy, (String) (p.baselineMissing ?: 'skip'))
        if (baselinePath == null) copy = null // no Copy Artifact plugin: nothing was copied
        cli = AtqOptions.withCopiedBaseline(p, baselinePath)
      }
      List<String> args = ['run']
      args.addAll(AtqOptions.cliArgs(cli))
      // stdout (the JSON line) and stderr to files; tail shows stderr in the log as it grows (GNU tail ends once
      // node has and after printing the rest; without --pid the log gets it at the end). No pipe: when Jenkins
      // aborts, it signals every process, and a dead reader would cut the CLI's cleanup short.
      // The files exist before tail looks (else it fails at once); one wait only (a second on a reaped pid is 127).
      String script = 'set +x\n' +
        ": >${outFile}; : >${errFile}\n" +
        "node .atq/atq-cli.mjs ${AtqOptions.shellWords(args)} >${outFile} 2>${errFile} &\n" +
        'pid=$!\n' +
        'tailed=yes\n' +
        "tail -n +1 -f --pid=\$pid ${errFile} 2>/dev/null || tailed=no\n" +
        'st=0\n' +
        'wait $pid || st=$?\n' +
        "[ \$tailed = yes ] || cat ${errFile}\n" +
        'exit $st\n'
      status = atqWithDocker(p) {
        sh(script: script, returnStatus: true)
      }
    } finally {
      // The CLI read the baseline when it started; the copy is not part of this build's results.
      if (copy != null) sh(script: "rm -rf ${AtqOptions.shellQuote((String) copy.target)}", returnStatus: true)
    }
    returned = true
  } finally {
    stderr = fileExists(errFile) ? readFile(errFile) : ''
    if (!returned || !(status in [0, 1, 3, 130])) {
      // Aborted, timed out or killed: the CLI cleans up on SIGTERM; this is the safety net. Through a server
      // (p.server) there is nothing of the run here: the server removes what its task created.
      String id = p.server ? null : AtqResults.runIdFromLog(stderr)
      if (id) {
        echo "runLoadTest: the run did not end normally; the CLI's last words:\n${AtqResults.lastLines(stderr, 15)}"
        echo "runLoadTest: removing what run ${id} left on the swarm"
        String cleanup = "node .atq/atq-cli.mjs ${AtqOptions.shellWords(['cleanup', '--run', id, '--force'])}"
        try {
          atqWithDocker(p) {
            sh(script: cleanup, returnStatus: true)
          }
        } catch (Exception e) {
          echo "runLoadTest: cleanup failed (${e.message}); run: atq cleanup --run ${id} --force"
        }
      }
    }
    line = AtqResults.lastJsonLine(fileExists(outFile) ? readFile(outFile) : '')
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
    atqPublish(resultsDir, planDirs)
  }

  Map result = AtqResults.resultMap(line, run, summaries, resultsDir)
  if (status == 0) return result
  if (status == 3) {
    List<String> failed = []
    for (Map s : summaries) failed.addAll(AtqResults.failedGates(s))
    String msg = "runLoadTest: performance gates failed: ${failed ? failed.join('; ') : 'see summary.md'}"
    if (failOn == 'FAILURE') error(msg)
    unstable(msg)
    return result
  }
  String cliError = AtqResults.errorMessage(stderr)
  if (status == 130) error("runLoadTest: atq run was interrupted (exit code 130)${cliError ? ': ' + cliError : ''}")
  error("runLoadTest: ${cliError ?: "atq run failed with exit code ${status}"}")
}

/**
 * baseline: 'lastSuccessful': copies the summary.json files the job's last successful build archived into
 * copy.target with the Copy Artifact plugin. Returns the folder for --baseline, or null without the plugin;
 * says why when there is no baseline (the CLI then skips or fails the baseline gates, as baselineMissing says).
 */
def atqCopyBaseline(Map copy, String missing) {
  String then = missing == 'skip' ? 'baseline gates skipped' : "not skipping baseline gates (baselineMissing: 'fail')"
  try {
    copyArtifacts(projectName: env.JOB_NAME, selector: lastSuccessful(), filter: copy.filter, target: copy.target,
                  optional: true, fingerprintArtifacts: false)
  } catch (NoSuchMethodError e) {
    // Pipeline's "No such DSL method 'copyArtifacts' (or 'lastSuccessful') found among steps [...]".
    if (!String.valueOf(e.message).contains('No such DSL method')) throw e
    echo "runLoadTest: Copy Artifact plugin not installed: no summary.json of the last successful build to " +
      "compare with; ${then}"
    return null
  } catch (AbortException e) {
    // "Unable to find project for artifact copy": no such job, or Jenkins' security does not let it copy from
    // itself without the job property "Permission to Copy Artifact" (optional: true does not cover that).
    echo "runLoadTest: could not copy summary.json from the last successful build of ${env.JOB_NAME} " +
      "(${e.message}); ${then}. If the job may not copy its own artifacts, allow it with " +
      "options { copyArtifactPermission('/${env.JOB_NAME}') }"
    return (String) copy.path
  }
  if (!fileExists((String) copy.path)) {
    echo "runLoadTest: no summary.json from an earlier successful build of ${env.JOB_NAME} (a first build, or " +
      "none archived ${copy.filter}); ${then}"
  }
  return (String) copy.path
}

/**
 * Runs body with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH set from the parameters, and ATQ_TOKEN
 * from tokenCredentialsId (a Secret text credential: the token never appears on a command line or in the log).
 */
def atqWithDocker(Map p, Closure body) {
  List<String> envs = []
  if (p.dockerHost) envs << "DOCKER_HOST=${p.dockerHost}".toString()
  if (p.dockerCredentialsId) envs << 'DOCKER_TLS_VERIFY=1'
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

/** Archives the results folder, records the gates as tests and publishes report.html, whatever the outcome. */
def atqPublish(String resultsDir, List<String> planDirs) {
  if (resultsDir == null || !fileExists(resultsDir)) {
    echo 'runLoadTest: no results folder to archive'
    return
  }
  archiveArtifacts(artifacts: "${resultsDir}/**", allowEmptyArchive: true)
  for (String d : planDirs) {
    if (fileExists("${d}/junit.xml")) junit(testResults: "${d}/junit.xml", allowEmptyResults: true)
  }
  for (String d : planDirs) {
    if (!fileExists("${d}/report.html")) continue
    String name = planDirs.size() == 1 ? 'Load test report' : "Load test report (${AtqOptions.baseName(d)})"
    try {
      publishHTML(target: [reportDir: d, reportFiles: 'report.html', reportName: name, keepAll: true,
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
