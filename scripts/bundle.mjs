// Bundles the CLI into dist/ (committed, so `uses:`/`npx` need no install step).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

// `node scripts/bundle.mjs --resource-to FILE` builds only the Jenkins library's CLI, into FILE: the tests
// compare it with the committed copy. `--dist-to DIR` (with or without it) builds dist/ into DIR instead.
// `--metafile-to DIR` writes esbuild's account of each build (what every output file imports) there, as
// dist.json and resource.json, for the tests.
const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const resourceOut = flag('--resource-to') ?? 'jenkins-shared-lib/resources/io/atq/atq-cli.mjs';
const distTo = flag('--dist-to');
const distOut = distTo ?? 'dist';
const buildDist = distTo !== undefined || flag('--resource-to') === undefined;
const metafileTo = flag('--metafile-to');

async function bundle(name, options) {
  const result = await build({ ...options, metafile: metafileTo !== undefined });
  if (metafileTo === undefined) return;
  await mkdir(metafileTo, { recursive: true });
  await writeFile(path.join(metafileTo, `${name}.json`), JSON.stringify(result.metafile));
}

/**
 * Modules a bundle must never look for on disk. Whatever a bundle leaves external, Node resolves from the
 * node_modules folders above the bundle's own file, and the Jenkins library's copy ran inside a checkout:
 * a pull request's node_modules/cpu-features/index.js ran next to the swarm's credentials (issue 20). Each
 * stub throws when loaded, as a missing module would; the code that asks for it copes with that.
 */
const STUBS = [
  // ssh2 (pulled in by docker-modem) probes cpu-features and its own crypto addon inside try/catch and falls
  // back to JavaScript; atq never speaks SSH (DOCKER_HOST is unix:// or tcp://).
  { filter: /^cpu-features$/, why: 'ssh2 runs without it' },
  { filter: /\.node$/, why: 'no native addon is loaded from disk' },
];

function stubs(list) {
  return {
    name: 'atq-stubs',
    setup(b) {
      for (const { filter } of list)
        b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'atq-stub' }));
      b.onLoad({ filter: /.*/, namespace: 'atq-stub' }, (a) => {
        const { why } = list.find((s) => s.filter.test(a.path));
        const text = `${a.path} is not part of this bundle of atq: ${why}`;
        return { contents: `throw new Error(${JSON.stringify(text)});\n`, loader: 'js' };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  // package.json's engines: atq serve's SQLite is Node's own node:sqlite (src/server/sqlite.ts).
  target: 'node22',
  format: 'esm',
  minify: false,
  // CommonJS dependencies (dockerode, ssh2) expect require, __dirname and __filename. The banner gives
  // them under names of our own, so that a bundled ESM module declaring its own __filename (as
  // @azure/storage-common does) does not collide with it; `define` points free references at them.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __atqCreateRequire } from 'node:module';",
      "import { fileURLToPath as __atqFileURLToPath } from 'node:url';",
      'const require = __atqCreateRequire(import.meta.url);',
      'const __atqFilename = __atqFileURLToPath(import.meta.url);',
      "const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));",
    ].join('\n'),
  },
  define: { __filename: '__atqFilename', __dirname: '__atqDirname' },
  logLevel: 'warning',
};

if (buildDist) {
  // Chunk names carry a content hash: start from an empty dist/ so no stale chunk is left behind.
  await rm(distOut, { recursive: true, force: true });
  await bundle('dist', {
    ...common,
    entryPoints: {
      cli: 'src/cli/entry.ts',
      'action-main': 'src/action/entry-main.ts',
      'action-post': 'src/action/entry-post.ts',
    },
    outdir: distOut,
    // Only the serve command's chunk imports node:sqlite; the Action's entry points never reach the server's
    // code (test/unit/bundle-resolve.test.ts walks the chunks to check).
    plugins: [stubs(STUBS)],
    // cli.js stays tiny (signal handlers first); the rest loads as a chunk, see src/cli/entry.ts.
    splitting: true,
    chunkNames: 'atq-[hash]',
    legalComments: 'linked',
  });
}

// The Jenkins shared library's copy of the CLI (jenkins-shared-lib/vars/runLoadTest.groovy loads it with
// libraryResource and writes it next to the workspace): one self-contained file, so no chunks and no linked
// legal comments; they stay inline. Nothing is external: it resolves no package from disk at all. CI
// checks that it is as fresh as dist/.
await bundle('resource', {
  ...common,
  entryPoints: ['src/cli/entry.ts'],
  outfile: resourceOut,
  plugins: [stubs(STUBS)],
  splitting: false,
  legalComments: 'inline',
});
