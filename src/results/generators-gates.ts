import type { Gate } from '../config/gate-grammar.js';
import { metricKind } from '../config/gate-grammar.js';
import type { GateResult } from './gates.js';
import type { Unreliable } from './generators.js';

/**
 * Latency gates of a run whose generator was saturated (generators.ts): their numbers may be the generator's
 * own delay. Each says so in its reason; a noise-aware baseline gate that would fail becomes inconclusive
 * instead (the regression may be the generator's, not the system's: the verdict then follows
 * --inconclusive), the way a gate whose history cannot tell is. Absolute gates keep their status: a
 * threshold is a promise about what was measured, and the run is marked unreliable beside it.
 */
export function withGenerator(gates: Gate[], results: GateResult[], u: Unreliable | undefined): GateResult[] {
  if (!u) return results;
  const note = `the load generator was saturated (${u.workers.join(', ')}): this latency may reflect the generator, not the system under test`;
  return results.map((r, i) => {
    const gate = gates[i];
    if (!gate || gate.monitor || metricKind(r.metric) !== 'time') return r;
    if (r.status !== 'passed' && r.status !== 'failed') return r;
    if (gate.baseline && r.status === 'failed')
      return { ...r, status: 'inconclusive', passed: false, reason: `inconclusive: ${note}. ${r.reason}` };
    return { ...r, reason: `${r.reason} (${note})` };
  });
}
