import {
  errorHint,
  errorLine,
  errorRateWarning,
  errorShort,
  isErrorRateWarning,
} from '../../src/results/error-hints.js';
import type { ErrorTable } from '../../src/results/errors.js';

/** Codes and messages as JMeter 5.6 writes them (HttpClient4 sampler, Java 17). */
const NON_HTTP = (exception: string, message: string) => [
  `Non HTTP response code: ${exception}`,
  `Non HTTP response message: ${message}`,
];

describe('the likely cause of an error', () => {
  test.each([
    [
      NON_HTTP('java.net.UnknownHostException', 'target: Name or service not known'),
      /network the workers can reach\? See --attach-network$/,
    ],
    [
      NON_HTTP('java.net.UnknownHostException', 'target: Temporary failure in name resolution'),
      /--attach-network/,
    ],
    [
      NON_HTTP(
        'org.apache.http.conn.HttpHostConnectException',
        'Connect to target:8080 [target/10.0.1.5] failed: Connection refused',
      ),
      /^nothing accepted the connection: is the target running, and listening on that port\?$/,
    ],
    [NON_HTTP('java.net.ConnectException', 'Connection refused'), /nothing accepted the connection/],
    [
      NON_HTTP(
        'org.apache.http.conn.ConnectTimeoutException',
        'Connect to target:80 [target/10.0.1.5] failed: connect timed out',
      ),
      /^connecting timed out/,
    ],
    [NON_HTTP('java.net.SocketTimeoutException', 'Read timed out'), /did not answer in time.*timeout/],
    [
      NON_HTTP('org.apache.http.NoHttpResponseException', 'target:80 failed to respond'),
      /dropped connections/,
    ],
    [NON_HTTP('java.net.SocketException', 'Connection reset'), /dropped connections/],
    [NON_HTTP('javax.net.ssl.SSLHandshakeException', 'PKIX path building failed'), /TLS handshake failed/],
    [['503', 'Service Unavailable'], /server errors: see the target's own logs$/],
    [['500', 'Internal Server Error'], /server errors/],
    [['401', 'Unauthorized'], /credentials/],
    [['403', 'Forbidden'], /credentials/],
    [['404', 'Not Found'], /no such path/],
    [['429', 'Too Many Requests'], /rate-limiting/],
    [['400', 'Bad Request'], /paths, parameters and authentication/],
    [['200', 'Test failed: text expected to contain /x/'], /an assertion in the plan rejected them$/],
  ])('%j', ([code, message], hint) => {
    expect(errorHint(code as string, message as string)).toMatch(hint);
  });

  test.each([
    ['Non HTTP response code: java.lang.IllegalStateException', 'Non HTTP response message: boom'],
    ['', ''],
    ['custom', 'whatever a plugin writes'],
  ])('none known for %j', (code, message) => {
    expect(errorHint(code, message)).toBeUndefined();
  });
});

describe('an error in a few words', () => {
  test.each([
    [
      NON_HTTP('java.net.UnknownHostException', 'target: Name or service not known'),
      'UnknownHostException for target',
    ],
    [NON_HTTP('java.net.UnknownHostException', 'target'), 'UnknownHostException for target'],
    [['Non HTTP response code: java.net.UnknownHostException', ''], 'UnknownHostException'],
    [NON_HTTP('java.net.ConnectException', 'Connection refused'), 'ConnectException: Connection refused'],
    [['503', 'Service Unavailable'], 'HTTP 503: Service Unavailable'],
    [['200', 'Test failed: a\n  b\r\nc'], 'HTTP 200: Test failed: a b c'],
    [['404', ''], 'HTTP 404'],
    [['', ''], 'no response code or message'],
    [['x', 'y'], 'x: y'],
  ])('%j → %s', ([code, message], short) => {
    expect(errorShort(code as string, message as string)).toBe(short);
  });
});

describe('an error on one line, every detail kept', () => {
  test.each([
    [
      NON_HTTP('java.net.UnknownHostException', 'target: Name or service not known'),
      'UnknownHostException: target: Name or service not known',
    ],
    [NON_HTTP('java.net.UnknownHostException', 'target'), 'UnknownHostException: target'],
    [['503', 'Service Unavailable'], 'HTTP 503: Service Unavailable'],
    [['200', 'Test failed: a\n  b'], 'HTTP 200: Test failed: a b'],
  ])('%j → %s', ([code, message], line) => {
    expect(errorLine(code as string, message as string)).toBe(line);
  });
});

describe('the warning when most requests failed', () => {
  const table = (samples: number, counts: number[]): ErrorTable => ({
    samples,
    errors: counts.reduce((a, b) => a + b, 0),
    kinds: counts.map((count, i) => ({
      code: i ? '503' : 'Non HTTP response code: java.net.UnknownHostException',
      message: i ? `Service Unavailable ${i}` : 'Non HTTP response message: target',
      count,
      ofErrors: 0,
      ofSamples: 0,
    })),
    other: null,
  });

  test('the most frequent error, its count, the rest, the likely cause', () => {
    expect(errorRateWarning(table(360, [312]))).toEqual([
      'most requests failed: UnknownHostException for target (312 of 360) — is the target on a network the workers can reach? See --attach-network',
    ]);
    expect(errorRateWarning(table(360, [300, 20]))[0]).toBe(
      'most requests failed: UnknownHostException for target (300 of 360; 20 more failed with other errors) — is the target on a network the workers can reach? See --attach-network',
    );
    expect(errorRateWarning(table(10, [10]))[0]).toMatch(/^every request failed: /);
  });

  test('no kind makes up most of the errors: the counts first, then the most frequent', () => {
    expect(errorRateWarning(table(10, [3, 2, 2]))[0]).toBe(
      'most requests failed: 7 of 10; the most frequent error: UnknownHostException for target (3) — is the target on a network the workers can reach? See --attach-network',
    );
  });

  test("one cause worded two ways (Java's cached failed lookup) counts as one error", () => {
    const t = table(12, [10, 2]);
    t.kinds[1] = {
      ...t.kinds[0]!,
      message: 'Non HTTP response message: target: Name or service not known',
      count: 2,
    };
    expect(errorRateWarning(t)).toEqual([
      'every request failed: UnknownHostException for target (12 of 12) — is the target on a network the workers can reach? See --attach-network',
    ]);
  });

  test('below half, or no samples: nothing', () => {
    expect(errorRateWarning(table(10, [4]))).toEqual([]);
    expect(errorRateWarning(table(0, []))).toEqual([]);
  });

  test('recognised among other warnings (the pull-request comment shows only it)', () => {
    expect(isErrorRateWarning(errorRateWarning(table(10, [9]))[0]!)).toBe(true);
    expect(isErrorRateWarning(errorRateWarning(table(10, [10]))[0]!)).toBe(true);
    expect(isErrorRateWarning('Partial results: the run was cancelled')).toBe(false);
  });
});
