// Runs jenkins-shared-lib/vars/<step>.groovy as Jenkins does (a Script whose unknown method calls resolve to
// the pipeline steps, bound as closures; src/ on the class path), with the steps it uses implemented with
// Jenkins' semantics. Usage (Groovy 2.4, Jenkins core's; JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64):
//
//   groovy -cp test/jenkins/stubs test/jenkins/harness.groovy '<config JSON>'     (or @file.json)
//
// config: { "params": {...step parameters...}, "workspace": "/dir", "credentials": {"id": "/dir with
//   ca.pem, cert.pem, key.pem"}, "env": {...}, "plugins": {"publishHTML": true, "copyArtifacts": true},
//   "abortFile": "/path", "step": "runLoadTest", "builds": [...], "copyArtifacts": {...}, "dir": "sub" (see pwd) }
// builds: the job's earlier builds (env.JOB_NAME), any order: {"number": 3, "result": "SUCCESS" (null: still
//   running), "artifacts": "/dir"}: the folder holding what that build archived (paths as archived, relative to
//   its workspace); absent or null: its artifacts were discarded (or it archived none). A number left out is a
//   build Jenkins deleted. The current build is "buildNumber" (default: one above the highest); currentBuild and
//   the builds its previousBuild calls lead to are RunWrappers (test/jenkins/stubs/.../RunWrapper.groovy).
// copyArtifacts (Copy Artifact plugin; "plugins": {"copyArtifacts": false} makes it absent) copies from those
//   builds: "permitted": false refuses the copy as a job without "Permission to Copy Artifact" is refused.
// Prints the build's log on stderr and one JSON report on stdout's last line: result, steps (what each
// recorded step was given), returned, exception.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import hudson.AbortException
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.jenkinsci.plugins.workflow.support.steps.build.RunWrapper

import java.nio.file.FileSystems
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.PathMatcher
import java.nio.file.Paths
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.TimeUnit

String arg = args.length > 0 ? args[0] : '{}'
Map config = (Map) new JsonSlurper().parseText(arg.startsWith('@') ? new File(arg.substring(1)).text : arg)
File repo = new File(getClass().protectionDomain.codeSource.location.path).parentFile.parentFile.parentFile
if (!new File(repo, 'jenkins-shared-lib').isDirectory()) repo = new File('.').canonicalFile
File lib = new File(repo, 'jenkins-shared-lib')
File workspace = new File((String) (config.workspace ?: Files.createTempDirectory('atq-ws').toString())).canonicalFile
workspace.mkdirs()
Map credentials = (Map) (config.credentials ?: [:])
Map plugins = (Map) (config.plugins ?: [publishHTML: true])
String abortFile = (String) config.abortFile

// Build state ----------------------------------------------------------------------------------------------
List<String> ORDER = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED']
List<Map> jobBuilds = ((List) (config.builds ?: [])).collect { new LinkedHashMap((Map) it) }
int buildNumber = config.buildNumber ? (int) config.buildNumber : (jobBuilds.collect { (int) it.number }.max() ?: 0) + 1
Map build = [number: buildNumber, result: null]
jobBuilds << build
List<Map> steps = []
List<Map> envStack = []
Closure setResult = { String r ->
  // Results only get worse.
  if (build.result == null || ORDER.indexOf(r) > ORDER.indexOf(build.result)) build.result = r
}
Closure log = { String s -> System.err.println(s); System.err.flush() }
Closure currentEnv = {
  Map e = new LinkedHashMap(System.getenv())
  e.putAll((Map) (config.env ?: [:]))
  e.WORKSPACE = workspace.path
  for (Map m : envStack) e.putAll(m)
  return e
}
Closure ws = { String rel -> rel.startsWith('/') ? new File(rel) : new File(workspace, rel) }
// Ant patterns as archiveArtifacts and copyArtifacts take them: comma-separated, '**' is any number of folders
// (also none), '*' and '?' stay within a name, a trailing '/' means everything below.
Closure antRegex = { String patterns ->
  List<String> alternatives = []
  for (String raw : patterns.split(',')) {
    String pat = raw.trim().replace('\\', '/')
    if (pat.isEmpty()) continue
    if (pat.endsWith('/')) pat += '**'
    StringBuilder re = new StringBuilder()
    List<String> parts = pat.split('/') as List
    for (int i = 0; i < parts.size(); i++) {
      String part = parts[i]
      boolean last = i == parts.size() - 1
      if (part == '**') {
        re.append(last ? '.*' : '(?:[^/]+/)*')
        continue
      }
      for (char c : part.toCharArray()) {
        if (c == '*' as char) re.append('[^/]*')
        else if (c == '?' as char) re.append('[^/]')
        else re.append(java.util.regex.Pattern.quote(String.valueOf(c)))
      }
      if (!last) re.append('/')
    }
    alternatives << re.toString()
  }
  return java.util.regex.Pattern.compile(alternatives.collect { "(?:${it})" }.join('|'))
}
Closure glob = { String pattern ->
  PathMatcher m = FileSystems.default.getPathMatcher('glob:' + pattern)
  List<String> found = []
  Path root = workspace.toPath()
  workspace.eachFileRecurse(groovy.io.FileType.FILES) { File f ->
    Path rel = root.relativize(f.toPath())
    if (m.matches(rel)) found << rel.toString()
  }
  return found.sort()
}

// Steps --------------------------------------------------------------------------------------------------
Binding binding = new Binding()
binding.setVariable('env', new LinkedHashMap(currentEnv()))
binding.setVariable('currentBuild', new RunWrapper(build, jobBuilds, true))

binding.setVariable('echo', { Object msg ->
  steps << [step: 'echo', message: String.valueOf(msg)]
  log(String.valueOf(msg))
})
binding.setVariable('error', { Object msg ->
  steps << [step: 'error', message: String.valueOf(msg)]
  throw new AbortException(String.valueOf(msg))
})
binding.setVariable('unstable', { Object msg ->
  String text = msg instanceof Map ? String.valueOf(((Map) msg).message) : String.valueOf(msg)
  steps << [step: 'unstable', message: text]
  log("WARNING: ${text}")
  setResult('UNSTABLE')
})
// pwd(tmp: true) is <current folder>@tmp, a sibling of it, as in Jenkins (WorkspaceList.tempDir). config.dir
// stands for a dir('...') { } block around the step: pwd() and pwd(tmp: true) answer from there (only they).
String currentDir = config.dir ? new File(workspace, (String) config.dir).path : workspace.path
binding.setVariable('pwd', { Object... a ->
  boolean tmp = a.length > 0 && a[0] instanceof Map && ((Map) a[0]).tmp
  tmp ? currentDir + '@tmp' : currentDir
})
binding.setVariable('fileExists', { Object f ->
  String path = f instanceof Map ? (String) ((Map) f).file : String.valueOf(f)
  ws(path).exists()
})
binding.setVariable('readFile', { Object f ->
  String path = f instanceof Map ? (String) ((Map) f).file : String.valueOf(f)
  File file = ws(path)
  if (!file.exists()) throw new FileNotFoundException(file.path)
  file.getText('UTF-8')
})
binding.setVariable('writeFile', { Map a ->
  File file = ws((String) a.file)
  file.parentFile.mkdirs()
  file.setText((String) a.text, 'UTF-8')
  steps << [step: 'writeFile', file: a.file, length: ((String) a.text).length()]
})
binding.setVariable('libraryResource', { String path ->
  File file = new File(lib, 'resources/' + path)
  if (!file.isFile()) throw new AbortException("No such library resource ${path} could be found.")
  steps << [step: 'libraryResource', resource: path]
  file.getText('UTF-8')
})
binding.setVariable('withEnv', { List overrides, Closure body ->
  Map m = [:]
  for (Object o : overrides) {
    String s = String.valueOf(o)
    int i = s.indexOf('=')
    m[s.substring(0, i)] = s.substring(i + 1)
  }
  steps << [step: 'withEnv', env: overrides.collect { String.valueOf(it) }]
  envStack.push(m)
  try {
    return body()
  } finally {
    envStack.pop()
  }
})
binding.setVariable('dockerCert', { Map a -> [binding: 'dockerCert', credentialsId: a.credentialsId, variable: a.variable] })
// Secret text (Credentials Binding's string): config.credentials maps its id to the text itself.
binding.setVariable('string', { Map a -> [binding: 'string', credentialsId: a.credentialsId, variable: a.variable] })
binding.setVariable('withCredentials', { List bindings, Closure body ->
  Map m = [:]
  List<File> dirs = []
  Map record = [step: 'withCredentials', bindings: []]
  steps << record
  try {
    for (Object b : bindings) {
      Map bd = (Map) b
      if (!(bd.binding in ['dockerCert', 'string'])) throw new AbortException("harness: unsupported credentials binding ${bd}")
      String source = credentials[bd.credentialsId]
      if (source == null) {
        throw new AbortException("Could not find credentials entry with ID '${bd.credentialsId}'")
      }
      if (bd.binding == 'string') {
        m[(String) bd.variable] = source
        record.bindings << [binding: 'string', credentialsId: bd.credentialsId, variable: bd.variable]
        continue
      }
      File dir = Files.createTempDirectory('docker-cert').toFile()
      dirs << dir
      for (String name : ['ca.pem', 'cert.pem', 'key.pem']) {
        File f = new File(dir, name)
        f.bytes = new File(source, name).bytes
        Files.setPosixFilePermissions(f.toPath(), PosixFilePermissions.fromString('rw-------'))
      }
      m[(String) (bd.variable ?: 'DOCKER_CERT_PATH')] = dir.path
      record.bindings << [binding: 'dockerCert', credentialsId: bd.credentialsId, variable: bd.variable, dir: dir.path]
    }
    envStack.push(m)
    try {
      return body()
    } finally {
      envStack.pop()
    }
  } finally {
    for (File d : dirs) d.deleteDir()
  }
})
binding.setVariable('sh', { Object a ->
  Map opts = a instanceof Map ? (Map) a : [script: String.valueOf(a)]
  String script = (String) opts.script
  Map record = [step: 'sh', script: script, returnStatus: opts.returnStatus ?: false, returnStdout: opts.returnStdout ?: false]
  steps << record
  log("[Pipeline] sh")
  ProcessBuilder pb = new ProcessBuilder('sh', '-xe', '-c', script).directory(workspace)
  pb.environment().clear()
  currentEnv().each { k, v -> if (v != null) pb.environment().put(String.valueOf(k), String.valueOf(v)) }
  if (!opts.returnStdout) pb.redirectErrorStream(true)
  Process proc = pb.start()
  ByteArrayOutputStream captured = new ByteArrayOutputStream()
  Thread outPump = Thread.start {
    // the build log is this harness's stderr; stdout carries the report
    if (opts.returnStdout) proc.inputStream.transferTo(captured) else proc.inputStream.transferTo(System.err)
  }
  Thread errPump = opts.returnStdout ? Thread.start { proc.errorStream.transferTo(System.err) } : null
  boolean aborted = false
  while (!proc.waitFor(200, TimeUnit.MILLISECONDS)) {
    if (abortFile && new File(abortFile).exists()) {
      // As Jenkins aborts a build: SIGTERM to the whole process tree, SIGKILL to what is left 5 s later.
      aborted = true
      log('Aborted by the test (abort file)')
      List<ProcessHandle> tree = proc.toHandle().descendants().collect { it }
      tree.add(0, proc.toHandle())
      tree.each { it.destroy() }
      long until = System.currentTimeMillis() + 5000
      while (tree.any { it.alive } && System.currentTimeMillis() < until) Thread.sleep(100)
      tree.findAll { it.alive }.each { it.destroyForcibly() }
      proc.waitFor()
      break
    }
  }
  outPump.join(); errPump?.join()
  int code = proc.exitValue()
  record.status = code
  if (aborted) {
    record.aborted = true
    new File(abortFile).delete()
    setResult('ABORTED')
    throw new FlowInterruptedException('ABORTED')
  }
  if (opts.returnStatus) return code
  if (code != 0) throw new AbortException("script returned exit code ${code}")
  if (opts.returnStdout) {
    record.stdoutBytes = captured.size()
    return captured.toString('UTF-8')
  }
  return null
})
binding.setVariable('archiveArtifacts', { Map a ->
  List<String> files = glob((String) a.artifacts)
  steps << [step: 'archiveArtifacts', artifacts: a.artifacts, allowEmptyArchive: a.allowEmptyArchive, files: files]
  if (files.isEmpty() && !a.allowEmptyArchive) throw new AbortException("No artifacts found that match the file pattern \"${a.artifacts}\"")
})
binding.setVariable('junit', { Object a ->
  Map opts = a instanceof Map ? (Map) a : [testResults: String.valueOf(a)]
  List<String> files = glob((String) opts.testResults)
  Map record = [step: 'junit', testResults: opts.testResults, files: files, tests: 0, failures: 0, skipped: 0]
  steps << record
  if (files.isEmpty() && !opts.allowEmptyResults) throw new AbortException("No test report files were found.")
  for (String f : files) {
    def xml = new XmlSlurper().parse(ws(f))
    def cases = xml.name() == 'testcase' ? [xml] : xml.'**'.findAll { it.name() == 'testcase' }
    record.tests += cases.size()
    record.failures += cases.count { !it.failure.isEmpty() || !it.error.isEmpty() }
    record.skipped += cases.count { !it.skipped.isEmpty() }
  }
  // A failed test makes the build UNSTABLE.
  if (record.failures > 0) setResult('UNSTABLE')
  return [totalCount: record.tests, failCount: record.failures]
})
if (plugins.publishHTML != false) {
  // The plugin copies the whole reportDir into the build and serves it from Jenkins' origin: files lists it.
  binding.setVariable('publishHTML', { Map a ->
    Map t = (Map) a.target
    File dir = ws((String) t.reportDir)
    List<String> files = []
    if (dir.isDirectory()) {
      dir.eachFileRecurse(groovy.io.FileType.FILES) { File f -> files << dir.toPath().relativize(f.toPath()).toString() }
    }
    steps << [step: 'publishHTML', target: t, exists: ws("${t.reportDir}/${t.reportFiles}").exists(), files: files.sort()]
  })
}

// Copy Artifact plugin: copyArtifacts and its selectors lastSuccessful() and specific(n), as the plugin
// (CopyArtifact.perform, SpecificBuildSelector, BuildSelector.getArtifacts) behaves. Without the plugin they are
// unknown to Pipeline, which says so with a NoSuchMethodError.
Map copyConfig = (Map) (config.copyArtifacts ?: [:])
// The build a selector picks, or null. lastSuccessful: the newest completed build with a result at least UNSTABLE
// (stable: SUCCESS); specific: that number, whatever its result (or the build Jenkins no longer has: null).
Closure selectBuild = { Map selector ->
  List<Map> completed = jobBuilds.findAll { it.result != null }.sort { -((int) it.number) }
  if (selector.selector == 'lastSuccessful') {
    return completed.find { it.result == 'SUCCESS' || (!selector.stable && it.result == 'UNSTABLE') }
  }
  String n = String.valueOf(selector.buildNumber)
  if (!(n ==~ /\d+/)) throw new AbortException("harness: specific('${n}'): permalinks and display names are not modelled")
  return jobBuilds.find { ((int) it.number) == Integer.parseInt(n) }
}
// Files of an archive the filter takes, as the plugin lists them; a link to a file it recreates as a link.
Closure archivedFiles = { File archive, String filter, String excludes ->
  java.util.regex.Pattern include = antRegex(filter)
  java.util.regex.Pattern exclude = excludes?.trim() ? antRegex(excludes) : null
  Path root = archive.toPath()
  List<String> matched = []
  java.util.stream.Stream<Path> stream = Files.walk(root)
  try {
    for (Path f : stream.iterator()) {
      if (Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue
      String rel = root.relativize(f).toString()
      if (include.matcher(rel).matches() && !(exclude != null && exclude.matcher(rel).matches())) matched << rel
    }
  } finally {
    stream.close()
  }
  return matched.sort()
}
if (plugins.copyArtifacts != false) {
  binding.setVariable('lastSuccessful', { Object... a ->
    Map opts = a.length > 0 && a[0] instanceof Map ? (Map) a[0] : [:]
    [selector: 'lastSuccessful', stable: opts.stable ?: false]
  })
  binding.setVariable('specific', { Object a ->
    [selector: 'specific', buildNumber: String.valueOf(a instanceof Map ? ((Map) a).buildNumber : a)]
  })
  binding.setVariable('copyArtifacts', { Map a ->
    // Without a selector the plugin takes the last stable build.
    Map selector = (Map) (a.selector ?: [selector: 'lastSuccessful', stable: true])
    Map record = [step: 'copyArtifacts', projectName: a.projectName, selector: selector, filter: a.filter,
                  excludes: a.excludes, target: a.target, optional: a.optional ?: false,
                  fingerprintArtifacts: a.fingerprintArtifacts, flatten: a.flatten ?: false, copied: []]
    steps << record
    String project = String.valueOf(a.projectName)
    if (a.projectName == null || project != currentEnv().JOB_NAME || copyConfig.permitted == false) {
      throw new AbortException("Unable to find project for artifact copy: ${project}\nThis may be due to " +
        'incorrect project name or permission settings; see help for project name in job configuration.')
    }
    Map src = selectBuild(selector)
    if (src == null) {
      String msg = "Unable to find a build for artifact copy from: ${project}"
      if (a.optional) { log(msg); return null }
      throw new AbortException(msg)
    }
    String filter = a.filter?.toString()?.trim() ? a.filter.toString() : '**'
    File archive = src.artifacts ? new File((String) src.artifacts) : null
    if (archive == null || !archive.isDirectory()) {
      // Discarded artifacts (or none archived): no archive folder. Optional, the plugin copies nothing, silently.
      if (a.optional) return null
      throw new AbortException("Failed to copy artifacts from ${project} with filter: ${filter}")
    }
    File target = a.target ? ws(String.valueOf(a.target)) : workspace
    target.mkdirs()
    List<String> matched = archivedFiles(archive, filter, a.excludes?.toString())
    for (String rel : matched) {
      Path from = new File(archive, rel).toPath()
      Path dest = new File(target, a.flatten ? new File(rel).name : rel).toPath()
      Files.createDirectories(dest.parent)
      Files.deleteIfExists(dest)
      if (Files.isSymbolicLink(from)) Files.createSymbolicLink(dest, Files.readSymbolicLink(from))
      else Files.copy(from, dest)
      record.copied << rel
    }
    log("Copied ${matched.size()} ${matched.size() == 1 ? 'artifact' : 'artifacts'} from \"${project}\" build " +
      "number ${src.number}")
    if (matched.isEmpty() && !a.optional) {
      throw new AbortException("Failed to copy artifacts from ${project} with filter: ${filter}")
    }
    return null
  })
} else {
  List<String> known = ['archiveArtifacts', 'dockerCert', 'echo', 'error', 'fileExists', 'junit',
                        'libraryResource', 'publishHTML', 'pwd', 'readFile', 'sh', 'unstable', 'withCredentials',
                        'withEnv', 'writeFile']
  for (String name : ['copyArtifacts', 'lastSuccessful', 'specific']) {
    String missing = name
    binding.setVariable(missing, { Object... ignored ->
      throw new NoSuchMethodError("No such DSL method '${missing}' found among steps ${known} or symbols " +
        '[all, allOf, always, ant, antFromApache, antOutcome, antTarget, any, anyOf] or globals [currentBuild, ' +
        'docker, env, params, pipeline, scm]')
    })
  }
}

// Run ----------------------------------------------------------------------------------------------------
GroovyClassLoader loader = new GroovyClassLoader(this.class.classLoader)
loader.addClasspath(new File(lib, 'src').path)
GroovyShell shell = new GroovyShell(loader, binding)
String stepName = (String) (config.step ?: 'runLoadTest')
Script step = shell.parse(new File(lib, "vars/${stepName}.groovy"))
// other vars are binding variables too, as in Jenkins
binding.setVariable(stepName, step)

Map report = [result: null, steps: steps, returned: null, exception: null]
try {
  Object params = config.params == null ? [:] : config.params
  report.returned = step.invokeMethod('call', params instanceof Map ? [params] as Object[] : [] as Object[])
  setResult('SUCCESS')
} catch (AbortException e) {
  log("ERROR: ${e.message}")
  report.exception = [type: e.class.name, message: e.message]
  setResult('FAILURE')
} catch (FlowInterruptedException e) {
  report.exception = [type: e.class.name, message: e.message]
  setResult(e.result)
} catch (Throwable e) {
  StringWriter sw = new StringWriter()
  e.printStackTrace(new PrintWriter(sw))
  log(sw.toString())
  report.exception = [type: e.class.name, message: e.message, stack: sw.toString()]
  setResult('FAILURE')
}
report.result = build.result
log("Finished: ${build.result}")
System.out.println(JsonOutput.toJson(report))
System.out.flush()
