import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import {
  ACTION_INPUTS,
  ACTION_ONLY_INPUTS,
  inputProblem,
  valuesFromInputs,
} from '../../src/config/inputs.js';
import { resolveOptions } from '../../src/config/resolve.js';

const action = load(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
};

describe('action.yml', () => {
  test('declares exactly the inputs that map onto the option table, plus the Action-only ones', () => {
    const expected = [...ACTION_INPUTS.map((a) => a.input), ...ACTION_ONLY_INPUTS].sort();
    expect(Object.keys(action.inputs).sort()).toEqual(expected);
    for (const [name, input] of Object.entries(action.inputs))
      expect(`${name}: ${input.description}`).toMatch(/: \S/);
  });

  test('has no ${{ }} expression in a description: runners evaluate them there, and refuse them', () => {
    // act: "Line: 68 Column 18: expressions are not allowed here", and the step fails before it starts.
    for (const [name, input] of Object.entries(action.inputs))
      expect(`${name}: ${input.description}`).not.toContain('${{');
  });

  test('gives no default to inputs atq.yml can set (a default would override the file)', () => {
    const withDefault = ACTION_INPUTS.filter((a) => action.inputs[a.input]?.default !== undefined);
    expect(withDefault.map((a) => a.input)).toEqual([]);
  });

  test('runs on node24 with a post step that always runs', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/action-main.js',
      post: 'dist/action-post.js',
      'post-if': 'always()',
    });
  });
});

describe('inputs become the same options as flags', () => {
  const inputs: Record<string, string> = {
    image: 'jmeter:5.6.3',
    workers: '4',
    properties: 'users=50\n\ntarget.host=shop\n',
    criteria: 'p95 < 500ms\nerror_rate < 1%',
    'rmi-ssl': 'false',
    keep: 'True',
    'results-dir': 'out',
    'attach-network': 'sut\n',
  };
  test('multiline lists, YAML booleans and renamed inputs', () => {
    const { values, problems } = valuesFromInputs((n) => inputs[n] ?? '');
    expect(problems).toEqual([]);
    expect(values).toEqual({
      image: 'jmeter:5.6.3',
      workers: '4',
      prop: ['users=50', 'target.host=shop'],
      criteria: ['p95 < 500ms', 'error_rate < 1%'],
      'rmi-ssl': 'off',
      keep: true,
      out: 'out',
      'attach-network': ['sut'],
    });
    const { options } = resolveOptions({}, values, '/w');
    expect(options).toMatchObject({
      workers: 4,
      props: { users: '50', 'target.host': 'shop' },
      rmiSsl: false,
      keep: true,
      outDir: '/w/out',
    });
    expect(options?.gates).toHaveLength(2);
  });

  test('every problem is named by its input, all at once', () => {
    const bad: Record<string, string> = {
      workers: '0',
      properties: 'nokey',
      'rmi-ssl': 'yes',
      timeout: 'soon',
    };
    const { values, problems } = valuesFromInputs((n) => bad[n] ?? '');
    const resolved = resolveOptions({}, { ...values, image: 'x' }, '/w');
    const all = [...problems, ...resolved.problems.map(inputProblem)];
    expect(all).toEqual(
      expect.arrayContaining([
        'input rmi-ssl: "yes" is not true or false',
        'input workers: 0 is out of range; use 1 to 500',
        expect.stringMatching(/^input properties: "nokey" is not KEY=VALUE/),
        expect.stringMatching(/^input timeout: "soon" is not a duration/),
      ]),
    );
  });
});

test("the README's inputs and outputs tables list exactly action.yml's", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(
    readme.indexOf('## Use it in GitHub Actions'),
    readme.indexOf('## The atq CLI'),
  );
  const tables = section.split(/\n\n/).filter((t) => /^\| (input|output) +\|/.test(t));
  const names = (table: string | undefined) =>
    [...(table ?? '').matchAll(/^\| `([\w-]+)` +\|/gm)].map((m) => m[1]).sort();
  expect(names(tables.find((t) => t.startsWith('| input')))).toEqual(Object.keys(action.inputs).sort());
  expect(names(tables.find((t) => t.startsWith('| output')))).toEqual(Object.keys(action.outputs).sort());
});
