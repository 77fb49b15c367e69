import { TarArchive } from 'archiver';

/** One entry of a .tar.gz: a file on disk (`abs`) or content in memory, stored under `name`. */
export type TarEntry = { name: string; abs: string } | { name: string; content: Buffer | string };

/**
 * The entries as one .tar.gz in memory. Fixed mode and date: the same files give the same archive, and
 * containers running as any user can read them.
 */
export function tarGz(entries: TarEntry[]): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    const tar = new TarArchive({ gzip: true, gzipOptions: { level: 6 } });
    tar.on('data', (d: Buffer) => parts.push(d));
    tar.on('end', () => resolve(Buffer.concat(parts)));
    tar.on('error', reject);
    tar.on('warning', reject);
    for (const e of entries) {
      const data = { name: e.name, mode: 0o644, date: new Date(0) };
      if ('abs' in e) tar.file(e.abs, data);
      else tar.append(e.content, data);
    }
    void tar.finalize();
  });
}
