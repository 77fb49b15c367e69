import path from 'node:path/posix';
import { SaxesParser } from 'saxes';

export interface PlanFacts {
  /** Problems that make the plan certain to fail: reported before anything is created on the cluster. */
  problems: string[];
  /** Things that may be fine but are worth a line in the log. */
  warnings: string[];
}

/**
 * Reads a .jmx once: it must be well-formed XML with a <jmeterTestPlan> root, and every CSV Data Set it
 * names by a plain relative path must be in the bundle (relative to the plan, as JMeter resolves it).
 * Catching these here turns a run that would fail minutes later on every worker into a one-line message.
 */
export function checkPlan(planRel: string, xml: string, bundled: ReadonlySet<string>): PlanFacts {
  const problems: string[] = [];
  const warnings: string[] = [];
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let root: string | undefined;
  let inCsvFilename = false;
  let csvText = '';
  let failed = false;

  parser.on('error', (err) => {
    if (!failed) problems.push(`${planRel} is not well-formed XML: ${err.message}`);
    failed = true;
  });
  parser.on('opentag', (tag) => {
    root ??= tag.name;
    stack.push(tag.name);
    inCsvFilename =
      tag.name === 'stringProp' && tag.attributes.name === 'filename' && stack.at(-2) === 'CSVDataSet';
    csvText = '';
  });
  parser.on('text', (text) => {
    if (inCsvFilename) csvText += text;
  });
  parser.on('closetag', () => {
    if (inCsvFilename) checkCsv(csvText.trim());
    inCsvFilename = false;
    stack.pop();
  });

  const checkCsv = (file: string) => {
    if (!file || file.includes('${')) return;
    if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) {
      warnings.push(
        `${planRel}: CSV Data Set uses the absolute path ${file}; it must exist inside the image`,
      );
      return;
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
  return { problems, warnings };
}
