import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { HEALTH_INTERVAL_S } from '../jmeter/health-script.js';
import { SeriesReader, type GeneratorSeries } from '../results/generators-parse.js';
import { fileLines } from './logs.js';

/** The saved output of a worker or engine (collect.ts, engines.ts). */
const GENERATOR_LOG = /^((?:worker|engine)-\d{1,6})\.log$/;

/**
 * Generator health of one plan, from the saved output of its generators: the workers' (the run's logs/,
 * shared by every plan of the run) and its engines' (the plan's logs/). Writes generators.json (each
 * generator's series) beside results.jtl and returns them for the analysis; undefined when no
 * generator printed a sample (an image without awk, a run that never started). Never throws: health is a
 * note on the run, and its absence must not cost the run its results.
 */
export async function readGenerators(
  runDir: string,
  planDir: string,
  warn: (m: string) => void,
): Promise<{ intervalSeconds: number; series: GeneratorSeries[] } | undefined> {
  try {
    const dirs = [...new Set([path.join(runDir, 'logs'), path.join(planDir, 'logs')])];
    const series: GeneratorSeries[] = [];
    for (const dir of dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const file of names) {
        const m = GENERATOR_LOG.exec(file);
        if (!m) continue;
        const reader = new SeriesReader(m[1] as string);
        for await (const line of fileLines(path.join(dir, file))) reader.line(line);
        if (reader.series.samples.length) series.push(reader.series);
      }
    }
    if (!series.length) return undefined;
    await writeFile(
      path.join(planDir, 'generators.json'),
      JSON.stringify({ intervalSeconds: HEALTH_INTERVAL_S, generators: series }) + '\n',
    );
    return { intervalSeconds: HEALTH_INTERVAL_S, series };
  } catch (e) {
    warn(`generator health: could not read the generators' samples: ${errorMessage(e)}`);
    return undefined;
  }
}
