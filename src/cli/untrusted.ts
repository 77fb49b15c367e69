import { UNTRUSTED_ENV, type Untrusted } from '../config/untrusted.js';

/** The runLoadTest step's parameter for an option, where it differs from the camelCase name. */
const STEP_PARAMETER: Record<string, string> = {
  token: 'tokenCredentialsId',
  'tls-ca': 'dockerCredentialsId',
  'tls-cert': 'dockerCredentialsId',
  'tls-key': 'dockerCredentialsId',
};

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * The Jenkins step sets ATQ_UNTRUSTED_WORKSPACE when it runs atq in a checkout with credentials bound
 * (config/untrusted.ts). Any value but empty counts: what the variable guards must not hinge on its spelling.
 */
export function untrustedFromEnv(env: NodeJS.ProcessEnv): Untrusted | undefined {
  if (!env[UNTRUSTED_ENV]) return undefined;
  return {
    because: `the workspace is untrusted here (${UNTRUSTED_ENV} is set, as the Jenkins step runLoadTest does)`,
    instead: (options) => {
      const params = [...new Set(options.map((o) => STEP_PARAMETER[o] ?? camel(o)))];
      return `the runLoadTest step's parameters (${params.join(', ')}) or flags (${options.map((o) => `--${o}`).join(', ')})`;
    },
  };
}
