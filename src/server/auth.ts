import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, appendFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { AtqError } from '../errors.js';
import { HttpError } from './http.js';

/** One accepted token: its name (the owner of the tasks it submits) and the SHA-256 of the token. */
interface TokenEntry {
  name: string;
  hash: Buffer;
  /** The operator's token: may remove, use and cancel what any token owns. */
  admin: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const LINE = /^([A-Za-z0-9._@-]{1,64})\s+sha256:([0-9a-f]{64})(?:\s+(admin))?$/;

/**
 * Bearer tokens from --tokens: a file of `NAME sha256:HEX` lines (`atq serve --add-token NAME` writes
 * one), so the file never holds a usable token. A token is hashed and compared with every entry in
 * constant time: neither timing nor an early exit tells which prefix was right.
 */
export class Tokens {
  private constructor(private readonly entries: TokenEntry[]) {}

  static async load(file: string): Promise<Tokens> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new AtqError(
        'FILE_ACCESS',
        `Cannot read the tokens file ${file}: ${(e as Error).message}. ` +
          'Create it with: atq serve --tokens FILE --add-token NAME',
        { file },
      );
    }
    const entries: TokenEntry[] = [];
    const problems: string[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const m = LINE.exec(line);
      if (m) entries.push({ name: m[1] as string, hash: Buffer.from(m[2] as string, 'hex'), admin: !!m[3] });
      else problems.push(`line ${i + 1}: not "NAME sha256:HEX [admin]" (write entries with --add-token)`);
    });
    if (problems.length || !entries.length)
      throw new AtqError(
        'CONFIG_INVALID',
        `The tokens file ${file} cannot be used:\n  - ${(problems.length
          ? problems
          : ['it holds no token']
        ).join('\n  - ')}`,
        { file, problems },
      );
    return new Tokens(entries);
  }

  /** The name of the token's owner, or undefined. */
  check(token: string): string | undefined {
    const hash = sha256(token);
    let found: string | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.hash, hash) && found === undefined) found = e.name;
    return found;
  }

  /** Whether any token of that name is an admin token (a name's tokens share what they own). */
  isAdmin(name: string): boolean {
    return this.entries.some((e) => e.name === name && e.admin);
  }
}

/** Creates a token for NAME, appends its hash to the file and returns the token (shown once). */
export async function addToken(file: string, name: string, admin = false): Promise<string> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name))
    throw new AtqError(
      'CONFIG_INVALID',
      `"${name}" is not a token name: use letters, digits, . _ @ - (up to 64)`,
    );
  const token = `atq_${randomBytes(24).toString('base64url')}`;
  await appendFile(file, `${name} sha256:${sha256(token).toString('hex')}${admin ? ' admin' : ''}\n`, {
    mode: 0o600,
  });
  return token;
}

/** The token of a request: `Authorization: Bearer T`, or Basic with T as the password (browsers). */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

/**
 * Whether the caller may act on what `owner` owns: its own things, or anything for an admin token. Without
 * tokens the server has one user (loopback only), 'local', who owns everything.
 */
export function mayActFor(caller: string, owner: string, tokens: Tokens | undefined): boolean {
  return caller === owner || !tokens || tokens.isAdmin(caller);
}

/** Who is calling: the token's name, 'local' when the server has no tokens; 401 otherwise. */
export function authorise(req: IncomingMessage, tokens: Tokens | undefined, browser: boolean): string {
  if (!tokens) return 'local';
  const token = presentedToken(req);
  const name = token === undefined ? undefined : tokens.check(token);
  if (name) return name;
  throw new HttpError(401, 'UNAUTHORIZED', unauthorisedMessage(token !== undefined, browser), undefined, {
    'www-authenticate': browser ? 'Basic realm="atq", charset="UTF-8"' : 'Bearer realm="atq"',
  });
}

/**
 * The 401's text. A browser shows it when its sign-in prompt is dismissed or fails, and the prompt asks
 * for a user name and a password without saying that the password is the token: the page's answer says so.
 */
export function unauthorisedMessage(tokenGiven: boolean, browser: boolean): string {
  const how = browser
    ? "In the browser's sign-in prompt give any user name and your token as the password; other clients send " +
      'the header "Authorization: Bearer <token>" (atq run --token, or ATQ_TOKEN).'
    : 'Send the header "Authorization: Bearer <token>" (atq run --token, or ATQ_TOKEN); in a browser, give ' +
      'any user name and the token as the password.';
  return tokenGiven
    ? "The token is not valid on this server: check it, or ask the server's operator for one " +
        `(atq serve --add-token NAME). ${how}`
    : `${browser ? 'This page' : 'This server'} needs a token. ${how} ` +
        "The server's operator gives them out (atq serve --add-token NAME).";
}
