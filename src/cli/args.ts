import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';
import { FIELDS } from '../config/fields.js';
import type { RawOptions } from '../config/resolve.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags of `atq run` come from the option table; commands may add their own. */
export function runFlagSpec(): OptionSpec {
  const spec: OptionSpec = { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } };
  for (const f of FIELDS) {
    spec[f.name] = {
      type: f.kind === 'bool' ? 'boolean' : 'string',
      multiple: f.kind === 'list' || f.kind === 'props' || f.kind === 'criteria' || f.kind === 'auto-stop',
    };
  }
  return spec;
}

/** Parses flags; up to `positionals` plain arguments are returned under "_". */
export function parseFlags(argv: string[], spec: OptionSpec, positionals = 0): RawOptions {
  try {
    const args = attachDashValues(argv, spec);
    const parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    if (parsed.positionals.length > positionals) {
      const extra = parsed.positionals.slice(positionals);
      throw new ConfigError([
        `unexpected argument(s): ${redactPem(extra.join(' '))} (options start with --)`,
      ]);
    }
    return positionals ? { ...parsed.values, _: parsed.positionals } : (parsed.values as RawOptions);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([
      `${redactPem((e as Error).message).replace(/\.?\s*$/, '')}. A value that starts with "-" is given as --name=value (e.g. --jmeter-arg=-Lorg.apache.jmeter=DEBUG).`,
    ]);
  }
}

/** Error messages quote arguments; a misplaced key must not end up in a CI log. */
function redactPem(text: string): string {
  return text.replace(/-----BEGIN [\s\S]*?(?:-----END [^-]*-----|$)/g, '<PEM text>');
}

/**
 * parseArgs refuses `--name VALUE` when VALUE starts with "-" ("argument is ambiguous"), but such values
 * are common and documented: PEM text for --tls-key, `--workers -1` (which deserves the range in its
 * message), `--jmeter-arg -Lorg.apache.jmeter=DEBUG`. A text option followed by something that is not one
 * of our options takes it as its value (`--name=VALUE`). `--plan --workers 3` stays an error: --workers is
 * an option, so --plan has no value.
 */
export function attachDashValues(argv: string[], spec: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const name = textOptionName(arg, spec);
    const next = argv[i + 1];
    if (name === undefined || next === undefined) {
      out.push(arg);
    } else if (next.startsWith('-') && next !== '--' && !isOption(next, spec)) {
      out.push(`--${name}=${next}`);
      i++;
    } else if (!next.startsWith('-')) {
      // A plain value: pass both on, so the value is never mistaken for an option.
      out.push(arg, next);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The long name when `arg` is a text option written without its value (`--plan`, `-p`). */
function textOptionName(arg: string, spec: OptionSpec): string | undefined {
  const name = arg.startsWith('--')
    ? arg.slice(2)
    : Object.keys(spec).find((n) => arg.length === 2 && spec[n]?.short === arg.slice(1));
  return name !== undefined && spec[name]?.type === 'string' ? name : undefined;
}

/** `--known`, `--known=...`, or a group of known short flags (`-h`). */
function isOption(arg: string, spec: OptionSpec): boolean {
  if (arg.startsWith('--')) return Object.hasOwn(spec, arg.slice(2).split('=')[0] as string);
  const shorts = new Set(Object.values(spec).map((o) => o.short));
  return arg.length > 1 && [...arg.slice(1)].every((c) => shorts.has(c));
}

export function runHelp(): string {
  const rows = FIELDS.map((f) => {
    const left = `  --${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    return `${left.padEnd(34)} ${f.help}`;
  });
  return [
    'Usage: atq run [--config atq.yml] [options]',
    '',
    'Runs the plan(s) on a Docker Swarm (DOCKER_HOST) with N JMeter workers and copies the results out.',
    'Every option can also be set in atq.yml under the same name.',
    '',
    `  --config FILE`.padEnd(34) + ' options file (default ./atq.yml when present)',
    ...rows,
  ].join('\n');
}
