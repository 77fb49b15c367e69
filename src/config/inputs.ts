import { FIELDS, type Field } from './fields.js';
import type { RawOptions } from './resolve.js';
import type { Untrusted } from './untrusted.js';

/**
 * The GitHub Action's inputs map onto the same option table as atq.yml and the CLI's flags: one input
 * per option, under the option's name unless the Action's own conventions ask for another. The values
 * then go through the same validation (config/resolve.ts): one mapping, not a second parser.
 */
const RENAMED: Record<string, string> = {
  prop: 'properties',
  'secret-prop': 'secret-properties',
  'jmeter-arg': 'jmeter-args',
  out: 'results-dir',
  'tls-ca': 'docker-tls-ca',
  'tls-cert': 'docker-tls-cert',
  'tls-key': 'docker-tls-key',
  // Next to github-token, a bare "token" would not say which one it is.
  token: 'server-token',
};

/** Inputs of the Action alone: how to publish, not how to run. */
export const ACTION_ONLY_INPUTS = [
  'config',
  'artifact-name',
  'retention-days',
  'upload-artifact',
  'fail-on-gates',
  'github-token',
  'comment-on-pr',
] as const;

export interface ActionInput {
  input: string;
  field: Field;
  /** How the input's text is read: multiline lists, YAML-style booleans, or as it is. */
  reading: 'lines' | 'bool' | 'text';
}

export const ACTION_INPUTS: ActionInput[] = FIELDS.map((field) => ({
  input: RENAMED[field.name] ?? field.name,
  field,
  reading: ['list', 'props', 'criteria', 'auto-stop'].includes(field.kind)
    ? 'lines'
    : field.kind === 'bool' || field.name === 'rmi-ssl'
      ? 'bool'
      : 'text',
}));

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/**
 * Reads every input (`get` returns '' for an input not given) into option values, as the CLI's flags
 * would give them. Empty inputs are left out so that atq.yml still applies.
 */
export function valuesFromInputs(get: (input: string) => string): { values: RawOptions; problems: string[] } {
  const values: RawOptions = {};
  const problems: string[] = [];
  for (const { input, field, reading } of ACTION_INPUTS) {
    const text = get(input).trim();
    if (!text) continue;
    if (reading === 'lines') {
      const lines = text.split(/\r?\n/).map((l) => l.trim());
      values[field.name] = lines.filter((l) => l !== '');
    } else if (reading === 'bool') {
      const { value: on, problem } = actionBool(text, input, false);
      if (problem) {
        problems.push(problem);
        continue;
      }
      values[field.name] = field.name === 'rmi-ssl' ? (on ? 'on' : 'off') : on;
    } else {
      values[field.name] = text;
    }
  }
  return { values, problems };
}

/** Names an option's problem by the input the user wrote ("input properties: ..."), not the option's name. */
export function inputProblem(problem: string): string {
  for (const { input, field } of ACTION_INPUTS) {
    if (problem.startsWith(`${field.name}: `))
      return `input ${input}: ${problem.slice(field.name.length + 2)}`;
  }
  return problem;
}

/** An Action-only boolean input, read like the others (YAML true/false), with its default when empty. */
export function actionBool(
  text: string,
  input: string,
  fallback: boolean,
): { value: boolean; problem?: string } {
  const t = text.trim();
  if (!t) return { value: fallback };
  if (TRUE.includes(t)) return { value: true };
  if (FALSE.includes(t)) return { value: false };
  return { value: fallback, problem: `input ${input}: "${t}" is not true or false` };
}

/** Inputs and variables that hand the Action secrets for the target (TLS material, the server's token). */
const SECRET_INPUTS = ['docker-tls-ca', 'docker-tls-cert', 'docker-tls-key', 'server-token'];
const SECRET_ENV = ['ATQ_TOKEN', 'ATQ_TLS_CA', 'ATQ_TLS_CERT', 'ATQ_TLS_KEY', 'DOCKER_CERT_PATH'];

/**
 * With secrets, the workspace's atq.yml (a pull request's, with pull_request_target) may not name the target
 * nor lead out of the workspace (config/untrusted.ts); without any, there is nothing for it to send away.
 */
export function untrustedFromInputs(
  get: (input: string) => string,
  env: NodeJS.ProcessEnv,
): Untrusted | undefined {
  const given = [
    ...SECRET_INPUTS.filter((i) => get(i).trim()).map((i) => `input ${i}`),
    ...SECRET_ENV.filter((v) => env[v]?.trim()),
  ];
  if (!given.length) return undefined;
  const inputOf = (name: string) => ACTION_INPUTS.find((a) => a.field.name === name)?.input ?? name;
  return {
    because: `this Action was given secrets (${given.join(', ')}) and runs in a checkout`,
    instead: (options) => `this Action's inputs (${options.map(inputOf).join(', ')})`,
  };
}
