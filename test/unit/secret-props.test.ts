import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envValues } from '../../src/config/env-values.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { masterArgs, workerScript } from '../../src/jmeter/commands.js';
import { engineArgs } from '../../src/jmeter/engine-script.js';
import { PATHS } from '../../src/jmeter/ports.js';
import { propertiesFile } from '../../src/jmeter/properties-file.js';

/** Secret JMeter properties (--secret-prop): a file for JMeter, never an argument, a log line or a message. */
const SECRET = 'hunter2-\u00e9\u{1F511} = :#!\\ "\'$(id)\nsecond line';

test("the property file reads back exactly in Java's own Properties.load", () => {
  const props = { 'api.key': SECRET, ' lead': ' x', 'a=b:c': 'tail ', empty: '' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-props-'));
  writeFileSync(path.join(dir, 'p.properties'), propertiesFile(props));
  writeFileSync(
    path.join(dir, 'Dump.java'),
    `import java.io.*; import java.util.*;
public class Dump { public static void main(String[] a) throws Exception {
  Properties p = new Properties(); try (InputStream in = new FileInputStream(a[0])) { p.load(in); }
  TreeMap<String, String> m = new TreeMap<>(); for (String k : p.stringPropertyNames()) m.put(k, p.getProperty(k));
  StringBuilder b = new StringBuilder();
  for (Map.Entry<String, String> e : m.entrySet()) b.append(hex(e.getKey())).append(' ').append(hex(e.getValue())).append('\\n');
  System.out.print(b); }
  static String hex(String s) { StringBuilder b = new StringBuilder(); for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c)); return b.toString(); } }`,
  );
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const out = execFileSync(java, [path.join(dir, 'Dump.java'), path.join(dir, 'p.properties')], {
    encoding: 'utf8',
  });
  const hex = (s: string) =>
    [...Array(s.length).keys()].map((i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');
  const expected = Object.entries(props)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${hex(k)} ${hex(v)}`);
  expect(out.replace(/\n$/, '').split('\n')).toEqual(expected);
});

test('JMeter reads them from a file (-q) on master, workers and engines: no value, and no -G (its values are logged)', () => {
  const master = masterArgs({
    plan: 'p.jmx',
    remotes: ['10.0.0.2'],
    props: { users: '5' },
    extraArgs: [],
    exitRemotes: true,
    rmi: { ssl: true },
    secretProps: true,
  });
  expect(master.join(' ')).toContain(`-q ${PATHS.secretProperties}`);
  expect(master.join(' ')).not.toContain(`-G${PATHS.secretProperties}`);
  expect(workerScript({ ssl: true }, [], true, true)).toContain(`-q ${PATHS.secretProperties}`);
  expect(workerScript({ ssl: true }, [], true, false)).not.toContain(PATHS.secretProperties);
  const engine = engineArgs({
    plan: 'p.jmx',
    props: {},
    extraArgs: [],
    jars: [],
    go: 'g',
    stop: 's',
    secretProps: true,
  });
  expect(engine.join(' ')).toContain(`-q ${PATHS.secretProperties}`);
  expect(
    masterArgs({
      plan: 'p.jmx',
      remotes: [],
      props: {},
      extraArgs: [],
      exitRemotes: false,
      rmi: { ssl: false },
    }),
  ).not.toContain(`-G${PATHS.secretProperties}`);
});

describe('options', () => {
  const resolve = (flags: Record<string, unknown>) => resolveOptions({}, { image: 'i', ...flags }, '/w');

  test('read as --prop is; a bad entry is named without its value; a property given both ways is refused', () => {
    expect(resolve({ 'secret-prop': ['api.key=s3cr3t=x'] }).options?.secretProps).toEqual({
      'api.key': 's3cr3t=x',
    });
    const { problems } = resolve({ 'secret-prop': ['s3cr3t-without-name', 'k=v'], prop: ['k=1'] });
    expect(problems.join('\n')).not.toContain('s3cr3t');
    expect(problems).toEqual([
      'secret-prop: an entry (not shown: it may be a secret) is not KEY=VALUE (e.g. users=10)',
    ]);
    expect(resolve({ 'secret-prop': ['k=v'], prop: ['k=1'] }).problems).toEqual([
      'secret-prop: k also given with prop; give each property once',
    ]);
    expect(resolve({ 'secret-prop': { k: { nested: 's3cr3t' } } }).problems).toEqual([
      'secret-prop: "k" has a list or mapping as its value; use a text or a number',
    ]);
  });

  test('ATQ_SECRET_PROPS (how the Jenkins step hands them over) is a JSON object or KEY=VALUE lines', () => {
    expect(envValues({ ATQ_SECRET_PROPS: '{"a":"x\\ny","b.c":"2"}' })['secret-prop']).toEqual({
      a: 'x\ny',
      'b.c': '2',
    });
    expect(envValues({ ATQ_SECRET_PROPS: 'a=1\nb=2=3\n' })['secret-prop']).toEqual(['a=1', 'b=2=3']);
    expect(envValues({})).toEqual({});
    const values = envValues({ ATQ_SECRET_PROPS: 'a=1' });
    expect(resolveOptions({}, { image: 'i', ...values }, '/w').options?.secretProps).toEqual({ a: '1' });
  });
});
