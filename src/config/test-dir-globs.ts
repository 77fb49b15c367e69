import path from 'node:path';

export interface TestDirGlobs {
  /** The globs, each relative to the test directory, with forward slashes (fast-glob's form). */
  globs: string[];
  problems: string[];
}

/**
 * Turns the --plan / --files globs into globs relative to the test directory, which is what the bundle
 * matches and ships. `base` is where the user wrote them: the cwd for flags, atq.yml's folder for the file.
 * The rule, lexical (no file system: config stays pure):
 *  - an absolute glob is the path it names; it must lie inside testDir and is made relative to it;
 *  - a relative glob that starts with the way from base to testDir (`perf/*.jmx` with --test-dir perf, run
 *    from the folder above), or that has a ".." in it, is relative to base, and is rewritten the same way;
 *  - any other relative glob is relative to testDir, as it always was (`checkout.jmx` with --test-dir perf).
 * So `perf/checkout.jmx`, `./perf/checkout.jmx`, `/abs/perf/checkout.jmx` and `checkout.jmx` all name
 * perf/checkout.jmx. The one reading this changes: a folder named like the test dir inside it
 * (perf/perf/x.jmx) must now be written perf/perf/x.jmx; ".." never worked, so nothing else changes.
 * A glob that ends up outside testDir is a problem: nothing outside it is shipped to the containers.
 */
export function testDirGlobs(
  name: string,
  globs: readonly string[],
  testDir: string,
  base: string,
): TestDirGlobs {
  const problems: string[] = [];
  const prefix = segments(path.relative(base, testDir));
  const out = globs.map((glob) => {
    // fast-glob's negative patterns ("!**/draft-*.jmx") are rewritten without their "!".
    const negated = glob.startsWith('!');
    const body = negated ? glob.slice(1) : glob;
    const parts = segments(path.normalize(body));
    const fromBase =
      path.isAbsolute(body) ||
      segments(body).includes('..') ||
      (prefix.length > 0 && prefix.every((p, i) => parts[i] === p));
    if (!fromBase) return glob;
    const rel = path.relative(testDir, path.resolve(base, body));
    if (rel === '') {
      const example = `${glob.replace(/[\\/]+$/, '')}/**/*.${name === 'plan' ? 'jmx' : 'csv'}`;
      problems.push(`${name}: "${glob}" is the test directory itself; give files in it, e.g. "${example}"`);
      return glob;
    }
    if (path.isAbsolute(rel) || segments(rel)[0] === '..') {
      problems.push(
        `${name}: "${glob}" is outside the test directory (${testDir}); only files under it are sent to ` +
          `JMeter: move the file into it, or point test-dir at a folder that holds it and the plans`,
      );
      return glob;
    }
    return (negated ? '!' : '') + segments(rel).join('/');
  });
  return { globs: out, problems };
}

/** Path segments; on POSIX a backslash is a glob escape, not a separator, and must survive the rewrite. */
function segments(p: string): string[] {
  return p.split(path.sep === '\\' ? /[\\/]/ : '/').filter((s) => s !== '' && s !== '.');
}
