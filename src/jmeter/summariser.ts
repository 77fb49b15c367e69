export interface Progress {
  samples: number;
  elapsed: string;
  rate: number;
  errors: number;
  errorPct: number;
  active?: number;
}

const TOTAL =
  /summary =\s+(\d+) in (\d\d:\d\d:\d\d) =\s+([\d.]+)\/s .*?Err:\s+(\d+) \(([\d.]+)%\)(?:\s+Active: (\d+))?/;

/** Reads JMeter's cumulative summariser line ("summary = ..."); delta lines ("summary +") are skipped. */
export function parseSummary(line: string): Progress | undefined {
  const m = TOTAL.exec(line);
  if (!m) return undefined;
  return {
    samples: Number(m[1]),
    elapsed: m[2] as string,
    rate: Number(m[3]),
    errors: Number(m[4]),
    errorPct: Number(m[5]),
    active: m[6] === undefined ? undefined : Number(m[6]),
  };
}

export function formatProgress(p: Progress): string {
  const active = p.active === undefined ? '' : `, ${p.active} threads active`;
  return `${p.samples} samples in ${p.elapsed}, ${p.rate}/s, ${p.errors} errors (${p.errorPct}%)${active}`;
}
