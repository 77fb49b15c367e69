import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The unit suite runs no Docker and no program the README does not name: every program a unit test (or a
 * helper it imports) starts is in the README's row for `npm run test:unit`, so a new machine knows what to
 * install before the first run rather than after a failing one.
 */
const UNIT = 'test/unit';

/** Literal program names passed to spawn/spawnSync/execFile/execFileSync in a file. */
function programsIn(text: string): string[] {
  const found = [...text.matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*'([^']+)'/g)].map((m) =>
    path.basename(m[1] as string),
  );
  // The JDK's java, found through JAVA_HOME or PATH.
  if (/JAVA_HOME/.test(text) && /\bjava\b/.test(text)) found.push('java');
  return found;
}

function filesOfUnitSuite(): string[] {
  const tests = readdirSync(UNIT)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(UNIT, f));
  const helpers = new Set<string>();
  for (const t of tests)
    for (const m of readFileSync(t, 'utf8').matchAll(/from '\.\.\/helpers\/([\w-]+)\.js'/g))
      helpers.add(path.join('test/helpers', `${m[1]}.ts`));
  return [...tests, ...helpers];
}

test("every program the unit suite starts is named in the README's test:unit row", () => {
  const row = readFileSync('README.md', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('| `npm run test:unit`'));
  expect(row).toBeDefined();
  const named = new Set([...(row as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
  const used = new Map<string, string>();
  for (const f of filesOfUnitSuite())
    for (const p of programsIn(readFileSync(f, 'utf8'))) if (!used.has(p)) used.set(p, f);
  const missing = [...used].filter(([p]) => !named.has(p)).map(([p, f]) => `${p} (${f})`);
  expect(missing).toEqual([]);
  // ... and the check sees what it should: the renderer and the shell checker are used today.
  expect([...used.keys()]).toEqual(expect.arrayContaining(['cmark-gfm', 'shellcheck', 'java']));
});
