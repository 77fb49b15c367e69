import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jmeterImage, requireEnv } from './env.js';
import type { Target } from './target.js';

/**
 * A workflow running `uses: ./` against the test swarm, as the README documents it: TLS from PEM secrets,
 * the target's network attached. `inputs` add to or override the step's `with:`.
 */
export function actionWorkflow(
  target: Target,
  inputs: Record<string, string>,
  opts: { on?: string; stepIf?: string } = {},
): string {
  const withBlock = Object.entries({
    'test-dir': 'test/fixtures/plans/http',
    image: jmeterImage(),
    'attach-network': target.network,
    'docker-host': requireEnv('DOCKER_HOST'),
    'docker-tls-ca': '${{ secrets.SWARM_TLS_CA }}',
    'docker-tls-cert': '${{ secrets.SWARM_TLS_CERT }}',
    'docker-tls-key': '${{ secrets.SWARM_TLS_KEY }}',
    ...inputs,
  })
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `name: load
on: ${opts.on ?? 'push'}
jobs:
  load:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: atq
        ${opts.stepIf ?? ''}uses: ./
        with:
${withBlock}
`;
}

/** The client certificate as the three secrets the README names. */
export function swarmSecrets(): Record<string, string> {
  const pem = (f: string) => readFileSync(path.join(requireEnv('DOCKER_CERT_PATH'), f), 'utf8');
  return { SWARM_TLS_CA: pem('ca.pem'), SWARM_TLS_CERT: pem('cert.pem'), SWARM_TLS_KEY: pem('key.pem') };
}

/** JMeter properties for test/fixtures/plans/http: the target, loops per thread, a server-side delay. */
export const targetProps = (target: Target, loops: number, delay = 0) =>
  `target.host=${target.host}\nloops=${loops}\ntarget.path=/?delay=${delay}`;
