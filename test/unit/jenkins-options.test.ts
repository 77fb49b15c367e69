import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FIELDS } from '../../src/config/fields.js';
import { OLDEST_NODE } from '../../src/server/sqlite.js';

/**
 * The Jenkins library's hand-kept copies of what the CLI defines, checked on Groovy itself (no Jenkins, no
 * Docker): the step's option names against fields.ts, its Node.js floor against the one atq serve needs.
 */
const JAVA_HOME =
  process.env.ATQ_TEST_JAVA_HOME ?? process.env.JAVA_HOME ?? '/usr/lib/jvm/java-17-openjdk-amd64';

describe('the Jenkins step keeps in step with the CLI', () => {
  test('every atq run option is accepted under its camelCase name, and the help names them', () => {
    const camel = (s: string) => s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const renamed: Record<string, string> = {
      prop: 'properties',
      'secret-prop': 'secretProperties',
      'jmeter-arg': 'jmeterArgs',
      out: 'outDir',
    };
    const expected = [
      'config',
      'dockerCredentialsId',
      'failOn',
      'tokenCredentialsId',
      ...FIELDS.map((f) => renamed[f.name] ?? camel(f.name)),
    ].sort();
    const allowed = execFileSync(
      'groovy',
      [
        '-cp',
        'jenkins-shared-lib/src:test/jenkins/stubs',
        '-e',
        'print io.atq.jenkins.AtqOptions.allowedKeys().join(",")',
      ],
      { env: { ...process.env, JAVA_HOME }, encoding: 'utf8' },
    ).split(',');
    expect(allowed).toEqual(expected);
    const help = readFileSync('jenkins-shared-lib/vars/runLoadTest.txt', 'utf8');
    for (const key of allowed) expect(help).toContain(key);
  });

  test('the step compares Node.js versions as versions, against the oldest that atq supports', () => {
    const versions = ['v22.13.0', 'v22.12.9', 'v22.14.0', 'v24.1.0', 'v9.99.99', 'v100.0.0', 'v22', 'x', ''];
    const script =
      'import io.atq.jenkins.AtqResults as R\n' +
      'print R.OLDEST_NODE + "|" + args.collect { R.nodeVersionNumber(it) >= R.nodeVersionNumber(R.OLDEST_NODE) }.join(",")';
    const out = execFileSync(
      'groovy',
      ['-cp', 'jenkins-shared-lib/src:test/jenkins/stubs', '-e', script, ...versions],
      { env: { ...process.env, JAVA_HOME }, encoding: 'utf8' },
    );
    expect(out).toBe(`${OLDEST_NODE}|true,false,true,true,false,true,false,false,false`);
  });

  test('the step returns what auto-stop saw from run.json (null when the run was not stopped)', () => {
    const script =
      'import io.atq.jenkins.AtqResults as R\n' +
      "def stopped = R.resultMap(null, [runId: 'r1', status: 'succeeded', autoStop: [message: 'stopped the run at 42s']], [], '/r')\n" +
      "def ran = R.resultMap(null, [runId: 'r2', status: 'succeeded'], [], '/r')\n" +
      'print stopped.autoStop + "|" + ran.autoStop + "|" + ran.containsKey("autoStop")';
    const out = execFileSync('groovy', ['-cp', 'jenkins-shared-lib/src:test/jenkins/stubs', '-e', script], {
      env: { ...process.env, JAVA_HOME },
      encoding: 'utf8',
    });
    expect(out).toBe('stopped the run at 42s|null|true');
  });
});
