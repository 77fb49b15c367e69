import type { TokenWords } from '../config/server-option.js';
import * as core from '@actions/core';
import { localAutoProblem } from '../config/baseline-auto.js';
import { envValues } from '../config/env-values.js';
import { actionBool, inputProblem, untrustedFromInputs, valuesFromInputs } from '../config/inputs.js';
import { loadRunOptions } from '../config/load.js';
import type { RunOptions } from '../config/options.js';
import { ConfigError } from '../errors.js';
import { feedbackSettings, historyProblem, type Feedback } from './pr/feedback.js';
import type { PublishOptions } from './publish.js';
import { tlsInputs, type TlsMaterial } from './tls.js';

/** Everything the main step was asked to do, checked: made before anything is written, downloaded or saved. */
export interface ActionSettings {
  /** The run's options; TLS material from the inputs is still their PEM text (see tls). */
  options: RunOptions;
  /** The TLS inputs' PEM text, to be written to files whose paths replace it in options.docker. */
  tls: TlsMaterial;
  /** `baseline: auto` as an input: GitHub's history of this workflow, downloaded before the run. */
  githubHistory: boolean;
  publishing: Pick<PublishOptions, 'artifactName' | 'retentionDays' | 'upload'>;
  failOnGates: boolean;
  feedback: Feedback;
}

/**
 * Reads every input, the environment, atq.yml and the event into one settings object. Every problem is reported
 * at once (a ConfigError naming each input), as the CLI reports its flags'; nothing is written before.
 */
export async function actionSettings(): Promise<ActionSettings> {
  // Masked before anything could print it (the inputs' problems never quote it, but the runner's debug log might).
  for (const token of [core.getInput('server-token'), process.env.ATQ_TOKEN])
    if (token) core.setSecret(token);
  const tls = tlsInputs();
  const { values, problems } = valuesFromInputs((name) => core.getInput(name));
  const upload = actionBool(core.getInput('upload-artifact'), 'upload-artifact', true);
  const failOnGates = actionBool(core.getInput('fail-on-gates'), 'fail-on-gates', true);
  const retentionDays = retention(core.getInput('retention-days'));
  const artifactName = core.getInput('artifact-name') || 'atq-results';
  const feedback = await feedbackSettings(artifactName);
  const options = await loadRunOptions({
    values: { ...envValues(process.env), ...values },
    configFile: core.getInput('config') || undefined,
    cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
    problems: [
      ...problems,
      ...feedback.problems,
      ...[upload, failOnGates, retentionDays].flatMap((r) => r.problem ?? []),
    ],
    nameProblem: inputProblem,
    untrusted: untrustedFromInputs((name) => core.getInput(name), process.env),
  });
  const githubHistory = values.baseline === 'auto';
  const late = githubHistory ? historyProblem(options, feedback) : localAutoProblem(options);
  if (late) throw new ConfigError([late]);
  if (options.server) options.server.tokenWords = ACTION_TOKEN_WORDS;
  // Whatever way they came (the input, atq.yml, ATQ_SECRET_PROPS), secret property values never reach the log.
  for (const value of Object.values(options.secretProps)) if (value) core.setSecret(value);
  return {
    options,
    tls,
    githubHistory,
    publishing: { artifactName, retentionDays: retentionDays.value, upload: upload.value },
    failOnGates: failOnGates.value,
    feedback,
  };
}

/** The Action takes the token from its server-token input (a secret) or the environment. */
export const ACTION_TOKEN_WORDS: TokenWords = {
  give: 'set the server-token input (from a secret) or ATQ_TOKEN',
  check: 'the server-token input (or ATQ_TOKEN)',
};

function retention(text: string): { value?: number; problem?: string } {
  if (!text.trim()) return {};
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 90
    ? { value: n }
    : { problem: `input retention-days: "${text}" is not a whole number of days from 1 to 90` };
}
