import path from 'node:path';
import { pack } from 'tar-stream';

/**
 * A container path as Docker's archive API streams it: a tar whose entries start with the path's last name
 * ("out/", "out/results.jtl" for /atq/out; "x.txt" for /data/x.txt). Undefined when nothing is there.
 */
export function archiveOf(files: Map<string, Buffer>, p: string): NodeJS.ReadableStream | undefined {
  const root = p.replace(/\/+$/, '') || '/';
  const base = path.posix.basename(root);
  const tar = pack();
  const file = files.get(root);
  if (file) {
    tar.entry({ name: base, mode: 0o644 }, file);
  } else {
    const under = [...files].filter(([f]) => f.startsWith(root + '/')).sort(([a], [b]) => a.localeCompare(b));
    if (!under.length) return undefined;
    const dirs = new Set<string>([base]);
    for (const [f] of under) {
      const parts = path.posix.relative(root, f).split('/').slice(0, -1);
      parts.forEach((_, i) => dirs.add([base, ...parts.slice(0, i + 1)].join('/')));
    }
    for (const d of [...dirs].sort()) tar.entry({ name: `${d}/`, type: 'directory', mode: 0o755 });
    for (const [f, data] of under)
      tar.entry({ name: `${base}/${path.posix.relative(root, f)}`, mode: 0o644 }, data);
  }
  tar.finalize();
  return tar as unknown as NodeJS.ReadableStream;
}
