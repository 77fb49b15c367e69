package org.jenkinsci.plugins.workflow.steps

/** Stand-in for workflow-step-api's exception: thrown inside a step when the build is aborted (result ABORTED). */
class FlowInterruptedException extends InterruptedException {
  String result
  FlowInterruptedException(String result) { super("build ${result}".toString()); this.result = result }
}
