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
      multiple: f.kind === 'list' || f.kind === 'props' || f.kind === 'criteria',
    };
  }
  return spec;
}

/** Parses flags; up to `positionals` plain arguments are returned under "_". */
export function parseFlags(argv: string[], spec: OptionSpec, positionals = 0): RawOptions {
  try {
    const parsed = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: true });
    if (parsed.positionals.length > positionals) {
      const extra = parsed.positionals.slice(positionals);
      throw new ConfigError([`unexpected argument(s): ${extra.join(' ')} (options start with --)`]);
    }
    return positionals ? { ...parsed.values, _: parsed.positionals } : (parsed.values as RawOptions);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([
      `${(e as Error).message}. A value that starts with "-" is given as --name=value (e.g. --jmeter-arg=-Lorg.apache.jmeter=DEBUG).`,
    ]);
  }
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
