/** What stands for a secret value in every answer. */
export const MASK = '***';

type Obj = Record<string, unknown>;

/**
 * A task body as the API shows it, to every token (the queue is shared): secret values masked, their names
 * kept, to tell what was set. Secrets are the seed form's `environment` (tools take their credentials
 * there) and ATQ-form properties given as `secret-prop`.
 */
export function shownPayload(payload: Obj): Obj {
  const copy: Obj = { ...payload };
  for (const role of ['master', 'worker']) {
    const def = copy[role];
    if (!isObject(def) || def.environment === undefined) continue;
    copy[role] = { ...def, environment: maskPairs(def.environment) };
  }
  if (copy['secret-prop'] !== undefined) copy['secret-prop'] = maskPairs(copy['secret-prop']);
  return copy;
}

/**
 * `NAME=value` pairs in any form a body may give them: a list of strings, one string of lines, or an
 * object. Whatever is not recognisably a name is masked whole.
 */
function maskPairs(value: unknown): unknown {
  const pair = (text: string) => {
    const eq = text.indexOf('=');
    return eq > 0 ? `${text.slice(0, eq)}=${MASK}` : MASK;
  };
  if (Array.isArray(value)) return value.map((e) => (typeof e === 'string' ? pair(e) : MASK));
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
  if (typeof value === 'string') return value.split('\n').map(pair).join('\n');
  return MASK;
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
