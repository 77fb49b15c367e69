import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * The bundles (dist/ for the npm package and the Action, the Jenkins library's atq-cli.mjs) must not look for
 * any package on disk: Node would resolve it from the node_modules folders above the bundle, and the Jenkins
 * library's copy used to run inside a checkout, where a pull request decides what those hold (issue 20).
 * Built fresh here, from the sources and scripts/bundle.mjs.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'atq-bundle-resolve-'));
const dist = path.join(tmp, 'dist');
const resource = path.join(tmp, 'atq-cli.mjs');
const meta = path.join(tmp, 'meta');

beforeAll(() => {
  execFileSync(process.execPath, [
    'scripts/bundle.mjs',
    ...['--dist-to', dist, '--resource-to', resource, '--metafile-to', meta],
  ]);
}, 60_000);

interface Import {
  path: string;
  kind: string;
  external?: boolean;
}
/** esbuild's account of a build: each output file (absolute path here) and what it imports. */
function outputs(name: 'dist' | 'resource'): Map<string, Import[]> {
  const m = JSON.parse(readFileSync(path.join(meta, `${name}.json`), 'utf8')) as {
    outputs: Record<string, { imports: Import[] }>;
  };
  return new Map(
    Object.entries(m.outputs)
      .filter(([file]) => /\.m?js$/.test(file))
      .map(([file, o]) => [path.resolve(file), o.imports]),
  );
}

const BUILTIN = new Set(builtinModules);
const isBuiltin = (s: string) => s.startsWith('node:') || BUILTIN.has(s);
/** What a file leaves for Node to resolve at run time, apart from Node's own modules. */
const foreign = (imports: Import[]) =>
  imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => `${i.kind} ${i.path}`);

/** Blanks and block comments inside a call's parentheses: `__require(/* webpackIgnore: true *\/ "fs")`. */
const GAP = String.raw`\s*(?:\/\*[^*]*\*\/\s*)*`;
const LOAD = String.raw`(?<![\w$.])(?:import|(?:__)?require)\(`;

/** import() or require() of something computed, which esbuild cannot see: nobody could tell what it resolves. */
function computedLoads(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const literal = new RegExp(`${LOAD}${GAP}["']`, 'y');
  return [...code.matchAll(new RegExp(LOAD, 'g'))]
    .filter((m) => {
      literal.lastIndex = m.index;
      return !literal.test(code);
    })
    .map((m) => code.slice(m.index, m.index + 40));
}

/** The output files an entry point loads, statically or with import(), itself included. */
function reachable(files: Map<string, Import[]>, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of files.get(file) ?? []) if (!i.external) visit(path.resolve(i.path));
  };
  visit(entry);
  return seen;
}

describe('bundles resolve nothing from the file system', () => {
  test("the Jenkins library's CLI leaves only Node's built-in modules to Node", () => {
    const files = outputs('resource');
    expect([...files.keys()]).toEqual([resource]);
    expect(foreign(files.get(resource) ?? [])).toEqual([]);
    expect(computedLoads(resource)).toEqual([]);
  });

  test("dist/ leaves only Node's built-in modules to Node, and the Action never reaches the server's SQLite", () => {
    const files = outputs('dist');
    for (const [file, imports] of files) {
      expect({ file, left: foreign(imports) }).toEqual({ file, left: [] });
      expect({ file, computed: computedLoads(file) }).toEqual({ file, computed: [] });
    }
    // atq serve's queue is Node's own node:sqlite, loaded by the serve command's code only: the CLI reaches
    // it, the Action's entry points (which never serve) do not load any of the server's code.
    const sqlite = [...files].filter(([, imports]) => imports.some((i) => i.path === 'node:sqlite'));
    expect(sqlite).toHaveLength(1);
    const [chunk] = sqlite[0] as [string, Import[]];
    expect(reachable(files, path.join(dist, 'cli.js')).has(chunk)).toBe(true);
    for (const entry of ['action-main.js', 'action-post.js']) {
      const reached = reachable(files, path.join(dist, entry));
      expect(reached.size).toBeGreaterThan(1);
      expect({ entry, sqlite: reached.has(chunk) }).toEqual({ entry, sqlite: false });
    }
  });

  test('hostile modules next to a bundle do not run: cpu-features, and a folder named like ssh2 addon', () => {
    // A checkout can hold both: node_modules/cpu-features/index.js, and, next to the bundle, a folder
    // crypto/build/Release/sshcrypto.node/ with an index.js (Node loads a folder's index.js for a path require).
    const ws = path.join(tmp, 'ws');
    const plant = (file: string, mark: string) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `require('fs').writeFileSync(${JSON.stringify(path.join(tmp, mark))}, 'ran');\n`);
    };
    cpSync(dist, path.join(ws, 'dist'), { recursive: true });
    mkdirSync(path.join(ws, '.atq'), { recursive: true });
    cpSync(resource, path.join(ws, '.atq/atq-cli.mjs'));
    plant(path.join(ws, 'node_modules/cpu-features/index.js'), 'cpu-features-ran');
    for (const dir of ['dist', '.atq']) {
      plant(path.join(ws, dir, 'crypto/build/Release/sshcrypto.node/index.js'), `${dir}-addon-ran`);
    }
    for (const cli of ['.atq/atq-cli.mjs', 'dist/cli.js']) {
      const help = execFileSync(process.execPath, [cli, 'help'], { cwd: ws, encoding: 'utf8' });
      expect(help).toContain('atq run');
    }
    expect(readdirSync(tmp).filter((f) => f.endsWith('-ran'))).toEqual([]);
    expect(existsSync(path.join(tmp, 'cpu-features-ran'))).toBe(false);
  });
});
