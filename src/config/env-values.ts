import type { RawOptions } from './resolve.js';
import { serverEnvValues } from './server-option.js';

/** The variable that carries --secret-prop values: a JSON object, or KEY=VALUE lines. */
export const SECRET_PROPS_ENV = 'ATQ_SECRET_PROPS';

/**
 * Options a front also takes from the environment, under its flags and inputs and over atq.yml: where
 * secrets belong rather than in a command line (ATQ_SERVER, ATQ_TOKEN, ATQ_SECRET_PROPS; ATQ_TLS_* are read
 * with the connection). The Jenkins step hands its secret parameters over this way.
 */
export function envValues(env: NodeJS.ProcessEnv): RawOptions {
  const values = serverEnvValues(env);
  const text = env[SECRET_PROPS_ENV];
  if (text?.trim()) values['secret-prop'] = secretProps(text);
  return values;
}

function secretProps(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON after all: read as lines, whose problems name no value
    }
  }
  return text.split(/\r?\n/).filter((l) => l.trim());
}
