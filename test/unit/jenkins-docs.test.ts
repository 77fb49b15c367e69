import { readFileSync } from 'node:fs';

/**
 * docs/jenkins.md is what a Jenkins administrator reads: its tables must follow the step's code, so a parameter
 * or a plugin step added there cannot be missing here.
 */
const docs = readFileSync('docs/jenkins.md', 'utf8');
const options = readFileSync('jenkins-shared-lib/src/io/atq/jenkins/AtqOptions.groovy', 'utf8');
const step = readFileSync('jenkins-shared-lib/vars/runLoadTest.groovy', 'utf8');

/** The rows of the markdown table under a `## heading`, each as its cells. */
function table(heading: string): string[][] {
  const at = docs.indexOf(`\n## ${heading}\n`);
  expect(at).toBeGreaterThan(-1);
  const section = docs.slice(at + 1).split(/\n## /)[0] as string;
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

/** A Groovy map literal `NAME = [ key: value, ... ]` of AtqOptions, as [key, value source] pairs. */
function groovyMap(name: string): [string, string][] {
  const m = new RegExp(`${name} = \\[\\n([\\s\\S]*?)\\n  \\]`).exec(options);
  if (!m) throw new Error(`${name} not found in AtqOptions.groovy`);
  return [...(m[1] as string).matchAll(/^\s+(\w+)\s*:\s*(.+?),?$/gm)].map(
    (e) => [e[1], e[2]] as [string, string],
  );
}

const TYPES: Record<string, string> = {
  string: 'string',
  list: 'list',
  int: 'number',
  bool: 'boolean',
  props: 'Map',
};

test('the parameters table lists every option of the step, with its flag and type, and nothing else', () => {
  const expected = new Map<string, [string, string]>();
  for (const [key, value] of groovyMap('CLI_OPTIONS')) {
    const [flag, kind] = [...value.matchAll(/'([\w-]+)'/g)].map((m) => m[1] as string);
    expected.set(key, [`\`--${flag}\``, TYPES[kind as string] as string]);
  }
  for (const [key, value] of groovyMap('STEP_OPTIONS')) {
    expected.set(key, ['(step)', TYPES[value.replace(/'/g, '')] as string]);
  }
  expect(expected.size).toBeGreaterThan(40);
  expect(expected.has('server') && expected.has('tokenCredentialsId')).toBe(true);

  const rows = table('Parameters');
  const documented = new Map(rows.map((r) => [(r[0] as string).replace(/`/g, ''), [r[1], r[2]]]));
  expect(rows).toHaveLength(documented.size);
  expect([...documented.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, flagAndType] of expected)
    expect({ key, doc: documented.get(key) }).toEqual({ key, doc: flagAndType });
});

/** The steps vars/runLoadTest.groovy calls: `name(` and `name "...` that are not its own functions or Groovy's. */
function stepsCalled(): string[] {
  const code = step
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''")
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const own = new Set(
    [...code.matchAll(/^(?:def|String|List<\w+>|Map|int|boolean|void)\s+(\w+)\s*\(/gm)].map((m) => m[1]),
  );
  const groovy = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'body']);
  const calls = [
    ...code.matchAll(/(?<![\w.$])([a-z]\w*)\s*\(/g),
    ...code.matchAll(/^\s*([a-z]\w*)\s+["']/gm),
  ].map((m) => m[1] as string);
  return [...new Set(calls)].filter((c) => !own.has(c) && !groovy.has(c)).sort();
}

test('the plugins table names every pipeline step the step calls', () => {
  const called = stepsCalled();
  // What the parser must see: one step of each plugin, and the command-style echo.
  expect(called).toEqual(
    expect.arrayContaining([
      'sh',
      'echo',
      'junit',
      'withCredentials',
      'dockerCert',
      'publishHTML',
      'copyArtifacts',
    ]),
  );
  const plugins = table('Plugins')
    .map((r) => r[2])
    .join('\n');
  const named = new Set([...plugins.matchAll(/`(\w+)`/g)].map((m) => m[1]));
  expect(called.filter((s) => !named.has(s))).toEqual([]);
});

test('the plugins the issue names are there, required or optional as the step treats them', () => {
  const need = new Map(table('Plugins').map((r) => [(r[0] as string).replace(/ \(.*/, ''), r[1] as string]));
  expect(need.get('Pipeline')).toBe('required');
  expect(need.get('JUnit')).toBe('required');
  expect(need.get('Credentials Binding')).toMatch(/^required with/);
  expect(need.get('Docker Commons')).toMatch(/^required with `dockerCredentialsId`/);
  // The step catches their absence and goes on (runLoadTest.groovy: NoSuchMethodError).
  expect(need.get('HTML Publisher')).toMatch(/^optional/);
  expect(need.get('Copy Artifact')).toMatch(/^optional/);
  expect(need.get('Docker Pipeline')).toMatch(/^only for `agent \{ docker/);
});

test('the README links the page from its Jenkins section', () => {
  const readme = readFileSync('README.md', 'utf8');
  const jenkins = readme.slice(
    readme.indexOf('## Use it in Jenkins'),
    readme.indexOf('## Use a shared ATQ server'),
  );
  expect(jenkins).toContain('](docs/jenkins.md)');
});
