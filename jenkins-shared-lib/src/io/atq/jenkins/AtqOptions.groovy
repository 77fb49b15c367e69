package io.atq.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The options runLoadTest accepts: every `atq run` option (src/config/fields.ts) under its camelCase name,
 * plus the step's own. Validation and argument rendering only; no pipeline steps here (pure helpers, @NonCPS).
 */
class AtqOptions implements Serializable {
  private static final long serialVersionUID = 1L

  /** camelCase name -> [flag, kind]. Kinds: string, list, int, bool, props. Keep in step with fields.ts. */
  static final Map<String, List<String>> CLI_OPTIONS = [
    config           : ['config', 'string'],
    plan             : ['plan', 'list'],
    files            : ['files', 'list'],
    mode             : ['mode', 'string'],
    heap             : ['heap', 'string'],
    workerCpus       : ['worker-cpus', 'string'],
    workerMemory     : ['worker-memory', 'string'],
    jit              : ['jit', 'string'],
    splitCsv         : ['split-csv', 'list'],
    jar              : ['jar', 'list'],
    testDir          : ['test-dir', 'string'],
    workers          : ['workers', 'int'],
    image            : ['image', 'string'],
    workerImage      : ['worker-image', 'string'],
    masterImage      : ['master-image', 'string'],
    properties       : ['prop', 'props'],
    secretProperties : ['secret-prop', 'props'],
    jmeterArgs       : ['jmeter-arg', 'list'],
    outDir           : ['out', 'string'],
    timeout          : ['timeout', 'string'],
    readyTimeout     : ['ready-timeout', 'string'],
    delay            : ['delay', 'string'],
    progressInterval : ['progress-interval', 'string'],
    progressLabels   : ['progress-labels', 'bool'],
    waitCommand      : ['wait-command', 'string'],
    waitExpected     : ['wait-expected', 'string'],
    waitTimeout      : ['wait-timeout', 'string'],
    waitImage        : ['wait-image', 'string'],
    criteria         : ['criteria', 'list'],
    autoStop         : ['auto-stop', 'list'],
    baseline         : ['baseline', 'string'],
    baselineMissing  : ['baseline-missing', 'string'],
    baselineRuns     : ['baseline-runs', 'int'],
    confidence       : ['confidence', 'string'],
    inconclusive     : ['inconclusive', 'string'],
    attachNetwork    : ['attach-network', 'list'],
    monitor          : ['monitor', 'list'],
    networkEncryption: ['network-encryption', 'bool'],
    rmiSsl           : ['rmi-ssl', 'string'],
    keep             : ['keep', 'bool'],
    maxBundleSize    : ['max-bundle-size', 'string'],
    server           : ['server', 'string'],
    token            : ['token', 'string'],
    insecureHttp     : ['insecure-http', 'bool'],
    dockerHost       : ['docker-host', 'string'],
    tlsCa            : ['tls-ca', 'string'],
    tlsCert          : ['tls-cert', 'string'],
    tlsKey           : ['tls-key', 'string'],
    insecurePlaintext: ['insecure-plaintext', 'bool'],
  ]

  /** Keys of the step itself, not passed to the CLI as such. */
  static final Map<String, String> STEP_OPTIONS = [
    dockerCredentialsId: 'string',
    failOn             : 'string',
    tokenCredentialsId : 'string',
  ]

  /**
   * Options handed to the CLI in the environment, never as arguments: the process list and the sh step's
   * script would show them. The CLI reads each of these variables as it would the flag (a path or PEM text).
   */
  static final Map<String, String> ENV_OPTIONS = [
    token           : 'ATQ_TOKEN',
    tlsCa           : 'ATQ_TLS_CA',
    tlsCert         : 'ATQ_TLS_CERT',
    tlsKey          : 'ATQ_TLS_KEY',
    secretProperties: 'ATQ_SECRET_PROPS',
  ]

  static final List<String> FAIL_ON = ['UNSTABLE', 'FAILURE']

  @NonCPS
  static List<String> allowedKeys() {
    List<String> keys = new ArrayList<String>(CLI_OPTIONS.keySet())
    keys.addAll(STEP_OPTIONS.keySet())
    return keys.sort()
  }

  /** Every problem with the parameters, as sentences; empty when they are fine. */
  @NonCPS
  static List<String> problems(Map params) {
    List<String> out = []
    if (params == null) return out
    List<String> unknown = []
    for (Object k : params.keySet()) {
      String key = String.valueOf(k)
      Object v = params.get(k)
      String kind = CLI_OPTIONS.containsKey(key) ? CLI_OPTIONS[key][1] : STEP_OPTIONS[key]
      if (kind == null) { unknown << key; continue }
      if (v == null) continue
      String bad = typeProblem(kind, v)
      if (bad != null) out << "runLoadTest: ${key} ${bad} (got ${describe(v)})".toString()
    }
    if (unknown) {
      out.add(0, ("runLoadTest: unknown parameter${unknown.size() == 1 ? '' : 's'} " +
        unknown.collect { "'${it}'" }.join(', ') + '. Allowed: ' + allowedKeys().join(', ')).toString())
    }
    Object failOn = params.get('failOn')
    if (failOn instanceof CharSequence && !(failOn.toString() in FAIL_ON)) {
      out << "runLoadTest: failOn must be 'UNSTABLE' or 'FAILURE' (got '${failOn}')".toString()
    }
    Object baselineMissing = params.get('baselineMissing')
    if (baselineMissing instanceof CharSequence && !(baselineMissing.toString() in ['fail', 'skip'])) {
      out << "runLoadTest: baselineMissing must be 'fail' or 'skip' (got '${baselineMissing}')".toString()
    }
    Object inconclusive = params.get('inconclusive')
    if (inconclusive instanceof CharSequence && !(inconclusive.toString() in ['pass', 'fail'])) {
      out << "runLoadTest: inconclusive must be 'pass' or 'fail' (got '${inconclusive}')".toString()
    }
    Object runs = params.get('baselineRuns')
    BigInteger n = runs != null && typeProblem('int', runs) == null ? new BigInteger(runs.toString()) : null
    if (n != null && (n < BigInteger.ONE || n > BigInteger.valueOf(100))) {
      out << "runLoadTest: baselineRuns must be from 1 to 100 (got ${runs})".toString()
    }
    Object rmiSsl = params.get('rmiSsl')
    if (rmiSsl instanceof CharSequence && !(rmiSsl.toString() in ['on', 'off'])) {
      out << "runLoadTest: rmiSsl must be 'on' or 'off' (got '${rmiSsl}')".toString()
    }
    out.addAll(twiceGiven(params))
    return out
  }

  /** A secret given two ways: which one the CLI took would depend on the order of its sources. */
  @NonCPS
  private static List<String> twiceGiven(Map params) {
    List<String> out = []
    if (params.token != null && params.tokenCredentialsId != null) {
      out << 'runLoadTest: give the server\'s token one way: tokenCredentialsId (a Secret text credential, ' +
        'preferred) or token, not both'
    }
    List<String> tls = ['tlsCa', 'tlsCert', 'tlsKey'].findAll { params.get(it) != null }
    if (tls && params.dockerCredentialsId != null) {
      out << ("runLoadTest: give the swarm's TLS files one way: dockerCredentialsId (a Docker Host Certificate " +
        "Authentication credential, preferred) or ${tls.join(', ')}, not both").toString()
    }
    return out
  }

  @NonCPS
  private static String typeProblem(String kind, Object v) {
    switch (kind) {
      case 'string':
        return (v instanceof CharSequence) ? null : 'must be a string'
      case 'int':
        if (v instanceof Integer || v instanceof Long || v instanceof Short) return null
        if (v instanceof CharSequence && v.toString() ==~ /\d+/) return null
        return 'must be a whole number'
      case 'bool':
        return (v instanceof Boolean) ? null : 'must be true or false'
      case 'list':
        if (v instanceof CharSequence) return null
        if (v instanceof Collection) {
          for (Object e : (Collection) v) {
            if (!(e instanceof CharSequence)) return 'must be a string or a list of strings'
          }
          return null
        }
        return 'must be a string or a list of strings'
      case 'props':
        if (!(v instanceof Map)) return 'must be a map, e.g. [users: 50, \'target.host\': \'shop\']'
        for (Object e : ((Map) v).entrySet()) {
          Map.Entry en = (Map.Entry) e
          if (!(en.value instanceof CharSequence || en.value instanceof Number || en.value instanceof Boolean)) {
            return "must map names to strings, numbers or booleans ('${en.key}' is ${describe(en.value)})"
          }
          if (String.valueOf(en.key).isEmpty() || String.valueOf(en.key).contains('=')) {
            return "has an invalid property name '${en.key}' (empty or with '=')"
          }
        }
        return null
    }
    return null
  }

  @NonCPS
  private static String describe(Object v) {
    if (v == null) return 'null'
    return "${v.getClass().simpleName} ${v.inspect()}".toString()
  }

  /** The `atq run` arguments for the parameters (already validated), in the order of CLI_OPTIONS. */
  @NonCPS
  static List<String> cliArgs(Map params) {
    List<String> args = []
    for (Map.Entry<String, List<String>> e : CLI_OPTIONS.entrySet()) {
      if (!params.containsKey(e.key) || ENV_OPTIONS.containsKey(e.key)) continue
      Object v = params.get(e.key)
      if (v == null) continue
      String flag = '--' + e.value[0]
      switch (e.value[1]) {
        case 'bool':
          if (v) args << flag
          break
        case 'list':
          List items = (v instanceof Collection) ? new ArrayList((Collection) v) : [v]
          for (Object item : items) { args << flag; args << String.valueOf(item) }
          break
        case 'props':
          for (Object o : ((Map) v).entrySet()) {
            Map.Entry p = (Map.Entry) o
            args << flag
            args << "${p.key}=${p.value}".toString()
          }
          break
        default:
          args << flag
          args << String.valueOf(v)
      }
    }
    return args
  }

  /** withEnv's NAME=value for the ENV_OPTIONS given. */
  @NonCPS
  static List<String> secretEnv(Map params) {
    List<String> out = []
    for (Map.Entry<String, String> e : ENV_OPTIONS.entrySet()) {
      Object v = params.get(e.key)
      // A map (secretProperties) as JSON: values may hold any character, newlines included.
      if (v instanceof Map) v = groovy.json.JsonOutput.toJson(v)
      if (v != null) out << "${e.value}=${v}".toString()
    }
    return out
  }

  /** POSIX sh single-quoting: the shell hands the word over byte for byte ($, `, \, " and spaces included). */
  @NonCPS
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'"
  }

  @NonCPS
  static String shellWords(List<String> words) {
    return words.collect { shellQuote(String.valueOf(it)) }.join(' ')
  }

  /** A relative path without '..': archiveArtifacts and junit only see the workspace. */
  @NonCPS
  static boolean isWorkspaceRelative(String path) {
    if (path.startsWith('/') || path.isEmpty()) return false
    return !path.split('/').any { it == '..' }
  }

  /** path relative to the workspace, or null when it is outside. */
  @NonCPS
  static String relativeTo(String workspace, String path) {
    if (path == null) return null
    String ws = workspace.endsWith('/') ? workspace[0..-2] : workspace
    if (path == ws) return '.'
    if (path.startsWith(ws + '/')) return path.substring(ws.length() + 1)
    if (!path.startsWith('/') && isWorkspaceRelative(path)) return path
    return null
  }

  /** A workspace-relative path without '.' segments, doubled or trailing slashes; '.' for the workspace. */
  @NonCPS
  static String normalizedPath(String path) {
    List<String> parts = (path ?: '.').split('/').findAll { it && it != '.' }
    return parts ? parts.join('/') : '.'
  }

  /**
   * baseline: 'lastSuccessful': copyArtifacts' filter (the summary.json files a build archived under
   * outDir/<run id>/), the target (a folder of the step's own outside the workspace, never the new run's folder,
   * which is all that is archived; each build is copied into target/<number>/), out (outDir, normalised) and
   * path, the folder for --baseline: the CLI reads every summary.json below it as a history.
   */
  @NonCPS
  static Map baselineCopy(String outDir, String target) {
    String out = normalizedPath(outDir ?: 'atq-results')
    return [
      target: target,
      filter: out == '.' ? '**/summary.json' : "${out}/**/summary.json".toString(),
      out   : out,
      path  : target,
    ]
  }

  /**
   * sh that copies ATQ's report of a plan (report.html, report.css: files, not links) from planDir into a new
   * folder reportDir, for the HTML Publisher, which publishes a whole folder.
   */
  @NonCPS
  static String reportCopyScript(String planDir, String reportDir) {
    String from = shellQuote(planDir)
    String to = shellQuote(reportDir)
    return "set +x\nmkdir ${to}\n" +
      'for f in report.html report.css; do\n' +
      "  if [ -f ${from}/\$f ] && [ ! -L ${from}/\$f ]; then cp ${from}/\$f ${to}/\$f; fi\n" +
      'done\n'
  }

  /**
   * The parameters for the CLI with baseline: 'lastSuccessful' replaced by the folder the copy went to (none
   * when nothing could be copied), and baselineMissing 'skip' unless it was given: a first build, an expired or
   * unreadable artifact skip the baseline gates rather than fail them.
   */
  @NonCPS
  static Map withCopiedBaseline(Map params, String path) {
    Map out = new LinkedHashMap(params)
    out.remove('baseline')
    if (path != null) out.baseline = path
    if (out.baselineMissing == null) out.baselineMissing = 'skip'
    return out
  }

  @NonCPS
  static String baseName(String path) {
    int i = path.lastIndexOf('/')
    return i < 0 ? path : path.substring(i + 1)
  }
}
