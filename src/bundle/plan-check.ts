import path from 'node:path/posix';
import { SaxesParser } from 'saxes';

export interface PlanFacts {
  /** Problems that make the plan certain to fail: reported before anything is created on the cluster. */
  problems: string[];
  /** Things that may be fine but are worth a line in the log. */
  warnings: string[];
  /** The CSV Data Sets named by a plain relative path: file in the test directory, and whether its first line is a header. */
  csvSets: { file: string; header: boolean }[];
}

/** One <CSVDataSet> while it is read: its file, and the two settings that say its first line is a header. */
interface CsvSet {
  filename: string;
  variableNames: string;
  ignoreFirstLine: string;
}

const CSV_PROPS = new Set(['filename', 'variableNames', 'ignoreFirstLine']);

/**
 * Reads a .jmx once: it must be well-formed XML with a <jmeterTestPlan> root, and every CSV Data Set it
 * names by a plain relative path must be in the bundle (relative to the plan, as JMeter resolves it).
 * Catching these here turns a run that would fail minutes later on every worker into a one-line message.
 */
export function checkPlan(planRel: string, xml: string, bundled: ReadonlySet<string>): PlanFacts {
  const problems: string[] = [];
  const warnings: string[] = [];
  const csvSets: PlanFacts['csvSets'] = [];
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let root: string | undefined;
  let csv: CsvSet | undefined;
  let prop: keyof CsvSet | undefined;
  let failed = false;

  parser.on('error', (err) => {
    if (!failed) problems.push(`${planRel} is not well-formed XML: ${err.message}`);
    failed = true;
  });
  parser.on('opentag', (tag) => {
    root ??= tag.name;
    stack.push(tag.name);
    if (tag.name === 'CSVDataSet') csv = { filename: '', variableNames: '', ignoreFirstLine: '' };
    const name = String(tag.attributes.name ?? '');
    prop = csv && stack.at(-2) === 'CSVDataSet' && CSV_PROPS.has(name) ? (name as keyof CsvSet) : undefined;
  });
  parser.on('text', (text) => {
    if (csv && prop) csv[prop] += text;
  });
  parser.on('closetag', (tag) => {
    prop = undefined;
    stack.pop();
    if (tag.name !== 'CSVDataSet' || !csv) return;
    const rel = checkCsv(csv.filename.trim());
    // JMeter takes the first line as the variable names when none are given, and skips it when told to.
    const header = csv.variableNames.trim() === '' || csv.ignoreFirstLine.trim() === 'true';
    if (rel) csvSets.push({ file: rel, header });
    csv = undefined;
  });

  /** The file's path in the test directory, when it is a plain relative path inside it. */
  const checkCsv = (file: string): string | undefined => {
    if (!file || file.includes('${')) return undefined;
    if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) {
      warnings.push(
        `${planRel}: CSV Data Set uses the absolute path ${file}; it must exist inside the image`,
      );
      return undefined;
    }
    const rel = path.normalize(path.join(path.dirname(planRel), file.replace(/\\/g, '/')));
    if (rel.startsWith('../')) {
      problems.push(`${planRel}: CSV Data Set file "${file}" is outside the test directory; move it inside`);
    } else if (!bundled.has(rel)) {
      problems.push(
        `${planRel}: CSV Data Set file "${file}" (${rel} in the test directory) is not in the bundle; ` +
          'add it to the test directory or widen --files',
      );
    }
    return rel;
  };

  try {
    parser.write(xml).close();
  } catch {
    // reported through the error handler
  }
  if (!failed && root !== 'jmeterTestPlan') {
    problems.push(
      `${planRel} is not a JMeter plan: its root element is <${root ?? 'none'}>, expected <jmeterTestPlan>`,
    );
  }
  return { problems, warnings, csvSets };
}
