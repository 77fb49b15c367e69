import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { strToU8, zipSync, type Zippable } from 'fflate';
import tar from 'tar-stream';
import { AtqError } from '../../src/errors.js';
import { extractArchive, type ArchiveLimits } from '../../src/server/archive.js';
import { FileStore, isFileId } from '../../src/server/files.js';

const LIMITS: ArchiveLimits = {
  maxEntries: 100,
  maxTotalBytes: 10 * 1024 * 1024,
  maxEntryBytes: 5 * 1024 * 1024,
};
const MB = 1024 * 1024;

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'atq-archive-'));
}

/** A zip as a real archiver writes it (with a symbolic link when asked). */
async function archiverZip(
  files: Record<string, string>,
  links: Record<string, string> = {},
): Promise<Buffer> {
  const zip = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  zip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve, reject) => zip.on('end', resolve).on('error', reject));
  for (const [name, text] of Object.entries(files)) zip.append(Buffer.from(text), { name });
  for (const [name, target] of Object.entries(links)) zip.symlink(name, target);
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A zip with names and attributes exactly as given: how a hostile client crafts one. */
function craftedZip(entries: Zippable): Buffer {
  return Buffer.from(zipSync(entries));
}

const SYMLINK_ATTRS = { os: 3, attrs: (0o120777 << 16) >>> 0 };
const FIFO_ATTRS = { os: 3, attrs: (0o010644 << 16) >>> 0 };

type TarEntry = {
  name: string;
  type?: tar.Header['type'];
  content?: string;
  linkname?: string;
  pax?: object;
};

async function tgz(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', linkname: e.linkname, pax: e.pax } as tar.Header;
    if (header.type === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  await read;
  return gzipSync(Buffer.concat(chunks));
}

async function refusal(p: Promise<unknown>): Promise<AtqError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AtqError);
  return e as AtqError;
}

/** Extracts into a fresh parent and checks a refusal left nothing behind (no dest, no temp folder). */
async function refused(data: Buffer, limits = LIMITS): Promise<AtqError> {
  const parent = tmp();
  const e = await refusal(extractArchive(data, path.join(parent, 'dest'), limits));
  expect(e.code).toBe('UPLOAD_INVALID');
  expect(readdirSync(parent)).toEqual([]);
  return e;
}

describe('extractArchive: good archives', () => {
  test('a zip written by archiver extracts exactly its files, with their contents', async () => {
    const data = await archiverZip({
      'plan.jmx': '<jmeterTestPlan/>',
      'data/users.csv': 'id\n1\n',
      'lib/x/y.txt': 'y',
    });
    const dest = path.join(tmp(), 'dest');
    const files = await extractArchive(data, dest, LIMITS);
    expect(files).toEqual([
      { path: 'data/users.csv', size: 5 },
      { path: 'lib/x/y.txt', size: 1 },
      { path: 'plan.jmx', size: 17 },
    ]);
    expect(readFileSync(path.join(dest, 'data/users.csv'), 'utf8')).toBe('id\n1\n');
    expect(readFileSync(path.join(dest, 'plan.jmx'), 'utf8')).toBe('<jmeterTestPlan/>');
    expect(readdirSync(path.dirname(dest))).toEqual(['dest']);
  });

  test('folder entries are created but not listed as files', async () => {
    const data = craftedZip({
      'empty/': new Uint8Array(0),
      'a/': new Uint8Array(0),
      'a/b.txt': strToU8('b'),
    });
    const dest = path.join(tmp(), 'dest');
    expect(await extractArchive(data, dest, LIMITS)).toEqual([{ path: 'a/b.txt', size: 1 }]);
    expect(existsSync(path.join(dest, 'empty'))).toBe(true);
  });

  test('a tar.gz extracts exactly its files, "./" prefixes removed', async () => {
    const data = await tgz([
      { name: './', type: 'directory' },
      { name: './plan.jmx', content: '<p/>' },
      { name: './data', type: 'directory' },
      { name: './data/users.csv', content: 'a,b\n' },
    ]);
    const dest = path.join(tmp(), 'dest');
    expect(await extractArchive(data, dest, LIMITS)).toEqual([
      { path: 'data/users.csv', size: 4 },
      { path: 'plan.jmx', size: 4 },
    ]);
    expect(readFileSync(path.join(dest, 'data/users.csv'), 'utf8')).toBe('a,b\n');
  });

  test('dest may be an existing empty folder, but not one with files in it', async () => {
    const dest = tmp();
    await extractArchive(craftedZip({ 'a.txt': strToU8('a') }), dest, LIMITS);
    const e = await refusal(extractArchive(craftedZip({ 'b.txt': strToU8('b') }), dest, LIMITS));
    expect(e.code).toBe('FILE_ACCESS');
    expect(readdirSync(dest)).toEqual(['a.txt']);
  });
});

describe('extractArchive: unsafe entries are refused, each named, and nothing is written', () => {
  test.each([
    ['../evil.txt', 'climbs out'],
    ['a/../../evil.txt', 'climbs out'],
    ['/etc/cron.d/evil', 'absolute path'],
    ['C:/Windows/evil.txt', 'Windows drive'],
    ['c:evil.txt', 'Windows drive'],
    ['..\\..\\evil.txt', 'backslash'],
    ['a\\b.txt', 'backslash'],
    ['a\0.txt', 'NUL'],
    // A newline only stays one in a name marked UTF-8 (the "é" makes fflate mark it); in CP437 it is "◙".
    ['é\nb.txt', 'control characters'],
    [`${'d/'.repeat(600)}deep.txt`, 'longer than 1024 bytes'],
    [`${'n'.repeat(256)}.txt`, 'longer than 255 bytes'],
  ])('zip entry %j (%s)', async (name, why) => {
    const e = await refused(craftedZip({ 'good.txt': strToU8('ok'), [name]: strToU8('x') }));
    expect(e.message).toContain(JSON.stringify(name));
    expect(e.message).toContain(why);
    expect(e.details.problems).toHaveLength(1);
  });

  test('every problem is listed at once, with what to do', async () => {
    const e = await refused(
      craftedZip({
        'ok.txt': strToU8('ok'),
        '../a': strToU8('x'),
        '/b': strToU8('x'),
        link: [strToU8('/etc/passwd'), SYMLINK_ATTRS],
      }),
    );
    expect(e.details.problems).toEqual([
      '"../a": its path climbs out with ".."',
      '"/b": it is an absolute path',
      '"link": it is a symbolic link',
    ]);
    expect(e.message).toMatch(/Pack only plain files and folders/);
  });

  test('a symbolic link written by archiver is refused', async () => {
    const e = await refused(await archiverZip({ 'plan.jmx': '<p/>' }, { 'data/passwd': '/etc/passwd' }));
    expect(e.details.problems).toEqual(['"data/passwd": it is a symbolic link']);
  });

  test('a fifo in a zip is refused', async () => {
    const e = await refused(craftedZip({ ok: strToU8('x'), pipe: [new Uint8Array(0), FIFO_ATTRS] }));
    expect(e.message).toContain('"pipe": it is a device, pipe or socket');
  });

  test.each([
    [{ name: '../evil.txt', content: 'x' }, 'climbs out'],
    [{ name: '/etc/evil', content: 'x' }, 'absolute path'],
    [{ name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }, 'symbolic link (to "/etc/passwd")'],
    [{ name: 'up', type: 'symlink', linkname: '../../..' }, 'symbolic link'],
    [{ name: 'shadow', type: 'link', linkname: '/etc/shadow' }, 'hard link (to "/etc/shadow")'],
    [{ name: 'a\nb.txt', content: 'x' }, 'control characters'],
    [{ name: 'fifo', type: 'fifo' }, 'fifo entry'],
    [{ name: 'tty', type: 'character-device' }, 'character-device entry'],
  ] as [TarEntry, string][])('tar.gz entry %j', async (entry, why) => {
    const e = await refused(await tgz([{ name: 'ok.txt', content: 'ok' }, entry]));
    expect(e.message).toContain(`${JSON.stringify(entry.name)}: `);
    expect(e.message).toContain(why);
  });

  test('a symlink followed by a file written "through" it never reaches outside', async () => {
    const outside = tmp();
    const e = await refused(
      await tgz([
        { name: 'out', type: 'symlink', linkname: outside },
        { name: 'out/pwned.txt', content: 'x' },
      ]),
    );
    expect(e.message).toContain('"out": it is a symbolic link');
    expect(readdirSync(outside)).toEqual([]);
  });

  test('duplicate paths and a file used as a folder are refused', async () => {
    const e = await refused(
      await tgz([
        { name: 'a.txt', content: '1' },
        { name: './a.txt', content: '2' },
        { name: 'b', content: 'file' },
        { name: 'b/c.txt', content: 'x' },
      ]),
    );
    expect(e.details.problems).toEqual([
      '"./a.txt": the archive holds this path twice',
      '"b/c.txt": "b" is a file in the archive, not a folder',
    ]);
  });
});

describe('extractArchive: limits', () => {
  test('a zip bomb (50 MB of zeros in a few KB) is refused before inflating it', async () => {
    const data = craftedZip({ 'zeros.bin': [new Uint8Array(50 * MB), { level: 9 }] });
    expect(data.length).toBeLessThan(200 * 1024);
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: 10 * MB });
    expect(e.message).toContain('inflates to more than 10 MiB');
  });

  test('a zip bomb lying about its size is stopped as it inflates', async () => {
    const data = craftedZip({ 'zeros.bin': [new Uint8Array(50 * MB), { level: 9 }] });
    setDeclaredSize(data, 1000);
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: 10 * MB });
    expect(e.message).toMatch(/damaged|inflate/);
  });

  test('a file above maxEntryBytes is refused, by name', async () => {
    const data = craftedZip({ 'small.txt': strToU8('s'), 'big.bin': new Uint8Array(2 * MB) });
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: 10 * MB, maxEntryBytes: MB });
    expect(e.details.problems).toEqual(['"big.bin": it is 2 MiB, more than the 1 MiB accepted for one file']);
  });

  test('files adding up past maxTotalBytes are refused', async () => {
    const data = craftedZip({
      a: new Uint8Array(3 * MB),
      b: new Uint8Array(3 * MB),
      c: new Uint8Array(3 * MB),
    });
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: 8 * MB });
    expect(e.message).toContain('inflates to more than 8 MiB');
  });

  test('a tar.gz bomb is refused', async () => {
    const data = await tgz([{ name: 'zeros.bin', content: '\0'.repeat(50 * MB) }]);
    expect(data.length).toBeLessThan(200 * 1024);
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: 10 * MB });
    expect(e.message).toContain('inflates to more than 10 MiB');
  });

  test('a tar.gz inflating through its headers (a huge pax record) is stopped by the byte count', async () => {
    const data = await tgz([{ name: 'a.txt', content: 'a', pax: { comment: 'x'.repeat(3 * MB) } }]);
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: MB });
    expect(e.message).toContain('inflates to more than 1 MiB');
  });

  test('a tar.gz followed by 50 MB of zero blocks is stopped by the byte count', async () => {
    const tarball = gunzipSync(await tgz([{ name: 'a.txt', content: 'a' }]));
    const data = gzipSync(Buffer.concat([tarball, Buffer.alloc(50 * MB)]));
    const e = await refused(data, { maxEntries: 10, maxTotalBytes: MB });
    expect(e.message).toContain('inflates to more than 1 MiB');
  });

  test('too many entries (zip counts up front, tar.gz as it reads)', async () => {
    const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`f${i}.txt`, strToU8('x')]));
    const limits = { maxEntries: 5, maxTotalBytes: MB };
    expect((await refused(craftedZip(six), limits)).message).toContain(
      'the archive holds 6 entries; at most 5',
    );
    const tgzSix = await tgz(Object.keys(six).map((name) => ({ name, content: 'x' })));
    expect((await refused(tgzSix, limits)).message).toContain('more than 5 entries');
  });
});

describe('extractArchive: formats', () => {
  test.each([
    ['an XML file', Buffer.from('<?xml version="1.0"?>'), 'starts with the bytes 3c 3f 78 6d'],
    ['an empty upload', Buffer.alloc(0), 'it is empty'],
    ['a plain tar', Buffer.alloc(1024), 'starts with the bytes 00 00 00 00'],
  ])('%s is refused, naming the formats accepted', async (_what, data, seen) => {
    const e = await refused(data);
    expect(e.message).toContain('neither a zip nor a tar.gz');
    expect(e.message).toContain(seen);
    expect(e.message).toContain('.zip or .tar.gz');
  });

  test('an empty zip and a zip of folders only hold no files', async () => {
    expect((await refused(craftedZip({}))).details.problems).toEqual(['the archive holds no files']);
    expect((await refused(craftedZip({ 'd/': new Uint8Array(0) }))).details.problems).toEqual([
      'the archive holds no files',
    ]);
  });

  test('a truncated zip, a truncated tar.gz and gzip of something else are refused as damaged', async () => {
    const zip = craftedZip({ 'a.txt': strToU8('a'.repeat(1000)) });
    expect((await refused(zip.subarray(0, zip.length - 30))).message).toContain('zip archive is damaged');
    const gz = await tgz([{ name: 'a.txt', content: 'hello' }]);
    expect((await refused(gz.subarray(0, gz.length - 10))).message).toContain('tar.gz archive is damaged');
    expect((await refused(gzipSync('not a tar at all'))).message).toContain('tar.gz archive is damaged');
  });
});

/** Rewrites the uncompressed size of the (only) entry in both zip headers, as a hostile client would. */
function setDeclaredSize(zip: Buffer, size: number): void {
  zip.writeUInt32LE(size, 22);
  const central = zip.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
  zip.writeUInt32LE(size, central + 24);
}

describe('FileStore', () => {
  const plans = craftedZip({
    'a.jmx': strToU8('<a/>'),
    'sub/b.JMX': strToU8('<b/>'),
    'data.csv': strToU8('1\n'),
  });

  test('save, get, folder, list and remove round trip; metadata survives a new instance', async () => {
    const root = path.join(tmp(), 'files');
    const store = new FileStore(root, LIMITS);
    const first = await store.save(plans, 'C:\\Users\\me\\tests.zip', 'ci');
    expect(isFileId(first.id)).toBe(true);
    expect(first).toEqual({
      id: first.id,
      name: 'tests.zip',
      files: 3,
      bytes: 10,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      plans: ['a.jmx', 'sub/b.JMX'],
      owner: 'ci',
    });
    expect(await store.get(first.id)).toEqual(first);
    const folder = store.folder(first.id) as string;
    expect(path.isAbsolute(folder)).toBe(true);
    expect(readFileSync(path.join(folder, 'sub/b.JMX'), 'utf8')).toBe('<b/>');

    await new Promise((r) => setTimeout(r, 5));
    const second = await store.save(craftedZip({ 'x.txt': strToU8('x') }), undefined, 'ci');
    expect(second.name).toBeUndefined();
    expect(second.id).not.toBe(first.id);

    const again = new FileStore(root, LIMITS);
    expect((await again.list()).map((f) => f.id)).toEqual([second.id, first.id]);
    expect(await again.get(first.id)).toEqual(first);

    expect(await again.remove(first.id)).toBe(true);
    expect(await again.get(first.id)).toBeUndefined();
    expect(again.folder(first.id)).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
    expect(await again.remove(first.id)).toBe(false);
    expect((await store.list()).map((f) => f.id)).toEqual([second.id]);
    expect(readdirSync(root)).toEqual([second.id]);
  });

  test('a refused upload leaves nothing in the store', async () => {
    const root = path.join(tmp(), 'files');
    const store = new FileStore(root, LIMITS);
    const e = await refusal(store.save(craftedZip({ '../x': strToU8('x') }), 'bad.zip', 'ci'));
    expect(e.code).toBe('UPLOAD_INVALID');
    expect(await store.list()).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  });

  test('ids that are not upload ids never reach the file system', async () => {
    const data = tmp();
    const root = path.join(data, 'files');
    // A folder next to the store that looks like an upload: "../x" would reach it.
    mkdirSync(path.join(data, 'x', 'files'), { recursive: true });
    writeFileSync(path.join(data, 'x', 'meta.json'), JSON.stringify({ id: '../x', files: 0 }));
    const store = new FileStore(root, LIMITS);
    for (const id of ['../x', '..', '.', '', 'x/../../x', '/etc', '%2e%2e', 'a'.repeat(21) + '.']) {
      expect(isFileId(id)).toBe(false);
      expect(await store.get(id)).toBeUndefined();
      expect(store.folder(id)).toBeUndefined();
      expect(await store.remove(id)).toBe(false);
    }
    expect(existsSync(path.join(data, 'x', 'meta.json'))).toBe(true);
  });

  test('list() on a store never written to is empty; sweep() clears interrupted saves', async () => {
    const root = path.join(tmp(), 'files');
    const store = new FileStore(root, LIMITS);
    expect(await store.list()).toEqual([]);
    mkdirSync(path.join(root, '.incoming-abc', 'files'), { recursive: true });
    expect(await store.list()).toEqual([]);
    await store.sweep();
    expect(readdirSync(root)).toEqual([]);
  });
});
