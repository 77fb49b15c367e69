import { attachDashValues, parseFlags, runFlagSpec } from '../../src/cli/args.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBbDCCARO\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n';

/** The problems parseFlags reports, or [] when it accepts the arguments. */
function flagProblems(argv: string[]): string[] {
  try {
    parseFlags(argv, runFlagSpec());
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
}

describe('values that start with "-"', () => {
  test('--tls-ca "$(cat ca.pem)", the documented PEM-text form, is accepted', () => {
    expect(parseFlags(['--tls-ca', PEM, '--tls-key', KEY], runFlagSpec())).toEqual({
      'tls-ca': PEM,
      'tls-key': KEY,
    });
  });

  test('negative numbers and JMeter arguments are values of the option before them', () => {
    const flags = parseFlags(
      ['--workers', '-1', '--jmeter-arg', '-Lorg.apache.jmeter=DEBUG', '--jmeter-arg', '-n', '--keep'],
      runFlagSpec(),
    );
    expect(flags).toEqual({
      workers: '-1',
      'jmeter-arg': ['-Lorg.apache.jmeter=DEBUG', '-n'],
      keep: true,
    });
  });

  test('only text options take them; plain values, --name=value and "--" are left alone', () => {
    const spec = runFlagSpec();
    expect(
      attachDashValues(['--keep', '-x', '--plan', 'a.jmx', '--out=-o', '--', '--plan', '-y'], spec),
    ).toEqual(['--keep', '-x', '--plan', 'a.jmx', '--out=-o', '--', '--plan', '-y']);
    expect(attachDashValues(['--plan', '-', '--workers', '-2'], spec)).toEqual(['--plan=-', '--workers=-2']);
  });

  test('a known option after a text option is still a missing value, with the existing message', () => {
    for (const argv of [
      ['--plan', '--workers', '3'],
      ['--plan', '--workers=3'],
      ['--plan', '-h'],
    ]) {
      const [problem] = flagProblems(argv);
      expect(problem).toContain("Option '--plan' argument is ambiguous.");
      expect(problem).toContain('A value that starts with "-" is given as --name=value');
      expect(problem).not.toContain('..');
    }
    expect(flagProblems(['--plan'])[0]).toContain("Option '--plan <value>' argument missing");
  });

  test('positionals after "--" may start with "-" (atq report -- -odd.jtl)', () => {
    expect(parseFlags(['--', '-odd.jtl'], { out: { type: 'string' } }, 1)).toEqual({ _: ['-odd.jtl'] });
  });

  test('PEM text in an error message is replaced, so a key never reaches a CI log', () => {
    const [unknown] = flagProblems(['--keep', KEY]);
    expect(unknown).toContain('<PEM text>');
    expect(unknown).not.toContain('c2VjcmV0');
    const [extra] = flagProblems(['--', KEY]);
    expect(extra).toBe('unexpected argument(s): <PEM text>\n (options start with --)');
  });

  test('--workers -1 now reaches the range check', () => {
    const flags = parseFlags(['--workers', '-1', '--image', 'i'], runFlagSpec());
    expect(resolveOptions({}, flags, '/w').problems).toEqual(['workers: -1 is out of range; use 1 to 500']);
  });
});
