/** Failures shaped as dockerode and Node raise them, so that the shared EngineCalls maps them as it does real ones. */

/** A refusal as dockerode reports an engine's HTTP answer (docker-modem): the engine is there and said no. */
export function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  });
}

/** No answer: what Node's net module throws when the engine is stopped. */
export function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2376'), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 2376,
  });
}

/** A stream the engine broke off (a followed log when the engine stops). */
export function reset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { errno: -104, code: 'ECONNRESET', syscall: 'read' });
}
