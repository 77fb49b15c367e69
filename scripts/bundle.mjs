// Bundles the CLI into dist/ (committed, so `uses:`/`npx` need no install step).
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

// `node scripts/bundle.mjs --resource-to FILE` builds only the Jenkins library's CLI, into FILE: the tests
// compare it with the committed copy.
const resourceTo = process.argv.indexOf('--resource-to');
const resourceOut =
  resourceTo > 0 ? process.argv[resourceTo + 1] : 'jenkins-shared-lib/resources/io/atq/atq-cli.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: false,
  // ssh2 (pulled in by docker-modem) probes optional native addons inside try/catch; we never use SSH.
  // better-sqlite3 (atq serve only) finds its native binding next to its own files: it cannot be bundled.
  external: ['cpu-features', '*.node', 'better-sqlite3'],
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

if (resourceTo < 0) {
  // Chunk names carry a content hash: start from an empty dist/ so no stale chunk is left behind.
  await rm('dist', { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: {
      cli: 'src/cli/entry.ts',
      'action-main': 'src/action/entry-main.ts',
      'action-post': 'src/action/entry-post.ts',
    },
    outdir: 'dist',
    // cli.js stays tiny (signal handlers first); the rest loads as a chunk, see src/cli/entry.ts.
    splitting: true,
    chunkNames: 'atq-[hash]',
    legalComments: 'linked',
  });
}

// The Jenkins shared library's copy of the CLI (jenkins-shared-lib/vars/runLoadTest.groovy loads it with
// libraryResource and writes it into the workspace): one self-contained file, so no chunks and no linked
// legal comments; they stay inline. CI checks that it is as fresh as dist/.
await build({
  ...common,
  entryPoints: ['src/cli/entry.ts'],
  outfile: resourceOut,
  splitting: false,
  legalComments: 'inline',
});
