import type { RunSource } from '../core/source.js';
import { REF_PATTERN } from './baseline-auto.js';

/**
 * A task's `source`: the commit, ref and CI run its client says it tested. A server never runs git in an upload
 * nor reads its own CI variables (src/core/run.ts, probeSource), so this claim is all it knows: it records it
 * as given, bounded and checked for shape, and shows it as the client's word. `auto:REF` baselines match on it.
 */
export const SOURCE_KEYS = ['commit', 'ref', 'ciUrl'] as const;

const COMMIT = /^[0-9a-f]{7,64}$/i;
const MAX_URL = 2048;

function fieldProblem(key: string, value: unknown): string | undefined {
  const shown = JSON.stringify(value)?.slice(0, 80);
  if (typeof value !== 'string') return `source.${key}: expected a string, not ${shown}`;
  if (key === 'commit' && !COMMIT.test(value))
    return `source.commit: ${shown} is not a commit id (7 to 64 hexadecimal digits)`;
  if (key === 'ref' && !REF_PATTERN.test(value))
    return `source.ref: ${shown} is not a branch or ref name (1 to 255 characters, no spaces)`;
  // Not echoed: a URL with a user and password in it holds a secret.
  if (key === 'ciUrl' && !isPlainUrl(value))
    return `source.ciUrl: not an http(s) URL of at most ${MAX_URL} characters without spaces, user or password`;
  return undefined;
}

/** A URL that can be shown and linked: http(s), short, no spaces, and no credentials in it. */
function isPlainUrl(value: string): boolean {
  if (value.length > MAX_URL || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Every problem with a task body's `source`, each naming its field; [] when it is absent or fine. */
export function sourceProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['source: expected an object {commit, ref, ciUrl} (each optional)'];
  return Object.entries(value).flatMap(([key, v]) =>
    (SOURCE_KEYS as readonly string[]).includes(key)
      ? (fieldProblem(key, v) ?? [])
      : [`source.${key.slice(0, 40)}: unknown; a source has ${SOURCE_KEYS.join(', ')}`],
  );
}

/** The claim as a RunSource, when it is a valid one (a body checked by sourceProblems). */
export function claimedSource(value: unknown): RunSource | undefined {
  if (sourceProblems(value).length || !value) return undefined;
  const claim = value as RunSource;
  const source: RunSource = {};
  for (const key of SOURCE_KEYS) if (claim[key] !== undefined) source[key] = claim[key];
  return Object.keys(source).length ? source : undefined;
}

/**
 * What a client sends of its own source: the fields a server accepts, the others left out (a CI's odd branch
 * name must not get the task refused).
 */
export function sendableSource(source: RunSource | undefined): RunSource | undefined {
  const out: RunSource = {};
  for (const key of SOURCE_KEYS) {
    const v = source?.[key];
    if (v !== undefined && !fieldProblem(key, v)) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}
