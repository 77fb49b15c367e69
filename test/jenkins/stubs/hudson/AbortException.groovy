package hudson

/** Stand-in for Jenkins core's hudson.AbortException: what the `error` step throws (build FAILURE, no stack trace). */
class AbortException extends IOException {
  AbortException(String message) { super(message) }
}
