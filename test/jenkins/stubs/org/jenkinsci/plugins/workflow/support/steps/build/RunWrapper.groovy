package org.jenkinsci.plugins.workflow.support.steps.build

/**
 * Stand-in for workflow-support's RunWrapper (currentBuild, and the builds its calls lead to) over the harness's
 * model of a job's builds: each a Map [number, result] (result null while the build runs). Only calls the real
 * class marks @Whitelisted are here, with its semantics (Run.getPreviousBuild: the next lower number that still
 * exists; Run.getPreviousSuccessfulBuild: result SUCCESS only), so a library that needs anything else (rawBuild,
 * which needs script approval) fails here as it would in a sandbox.
 */
class RunWrapper implements Serializable {
  private static final long serialVersionUID = 1L

  private final Map build
  private final List<Map> builds
  private final boolean current

  /** build: this build's record (the harness's live one for the current build); builds: all the job's records. */
  RunWrapper(Map build, List<Map> builds, boolean current) {
    this.build = build
    this.builds = builds
    this.current = current
  }

  int getNumber() { return (int) build.number }

  String getId() { return String.valueOf(build.number) }

  String getDisplayName() { return "#${build.number}".toString() }

  String getResult() { return (String) build.result }

  String getCurrentResult() { return (String) (build.result ?: 'SUCCESS') }

  RunWrapper getPreviousBuild() {
    Map prev = builds.findAll { ((int) it.number) < number }.max { (int) it.number }
    return prev == null ? null : new RunWrapper(prev, builds, false)
  }

  RunWrapper getPreviousSuccessfulBuild() {
    RunWrapper r = previousBuild
    while (r != null && r.result != 'SUCCESS') r = r.previousBuild
    return r
  }

  /** Not whitelisted: a sandboxed library gets "Scripts not permitted to use method ... getRawBuild". */
  Object getRawBuild() {
    throw new SecurityException('Scripts not permitted to use method ' +
      'org.jenkinsci.plugins.workflow.support.steps.build.RunWrapper getRawBuild')
  }

  @Override
  String toString() { return "RunWrapper(#${build.number}${current ? ', current' : ''})".toString() }
}
