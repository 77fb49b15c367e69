import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packBundle } from '../../src/bundle/pack.js';
import { checkPlan } from '../../src/bundle/plan-check.js';
import { selectFiles } from '../../src/bundle/select.js';
import { csvRecords, sliceCsv, SPLIT_DIR } from '../../src/bundle/split-csv.js';
import { workerScript } from '../../src/jmeter/commands.js';

describe('--split-csv', () => {
  test('rows round-robin, the header on every slice, quoted line breaks kept in their row', () => {
    expect(sliceCsv('user\nu1\nu2\nu3\nu4\nu5', 2, true)).toEqual(['user\nu1\nu3\nu5\n', 'user\nu2\nu4\n']);
    expect(sliceCsv('a\r\nb\r\nc\r\n', 3, false)).toEqual(['a\r\n', 'b\r\n', 'c\r\n']);
    expect(csvRecords('1,"two\nlines"\n2,x\n')).toEqual(['1,"two\nlines"\n', '2,x\n']);
    expect(sliceCsv('h\nonly\n', 3, true)).toEqual(['h\nonly\n', 'h\n', 'h\n']);
  });

  test("the plan's CSV Data Set says whether the first line is a header", () => {
    const plan = (props: string) =>
      `<jmeterTestPlan><hashTree><CSVDataSet testname="c"><stringProp name="filename">data/u.csv</stringProp>${props}</CSVDataSet></hashTree></jmeterTestPlan>`;
    const sets = (props: string) => checkPlan('p/a.jmx', plan(props), new Set(['p/data/u.csv'])).csvSets;
    expect(sets('<stringProp name="variableNames"></stringProp>')).toEqual([
      { file: 'p/data/u.csv', header: true },
    ]);
    expect(sets('<stringProp name="variableNames">user</stringProp>')).toEqual([
      { file: 'p/data/u.csv', header: false },
    ]);
    expect(
      sets(
        '<stringProp name="variableNames">user</stringProp><boolProp name="ignoreFirstLine">true</boolProp>',
      ),
    ).toEqual([{ file: 'p/data/u.csv', header: true }]);
  });

  test('each worker slice ships in the bundle; the worker copies its own over the original', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-split-'));
    mkdirSync(path.join(dir, 'data'));
    const fixture = path.resolve('test/fixtures/plans/split');
    writeFileSync(path.join(dir, 'split.jmx'), readFileSync(path.join(fixture, 'split.jmx')));
    writeFileSync(path.join(dir, 'data/users.csv'), readFileSync(path.join(fixture, 'data/users.csv')));
    const selection = await selectFiles(dir, ['*.jmx'], [], { split: ['data/*.csv'] });
    expect(selection.split.map((f) => f.rel)).toEqual(['data/users.csv']);
    expect(selection.files.map((f) => f.rel)).toContain('data/users.csv');
    const bundle = await packBundle(selection, 1e6, 3);
    const tar = gunzipSync(bundle.archive).toString('latin1');
    expect(tar).toContain(`${SPLIT_DIR}/1/data/users.csv`);
    expect(tar).toContain(`${SPLIT_DIR}/3/data/users.csv`);
    expect(tar).toContain('user\nu01\nu04\nu07\nu10\n');
    expect(tar).toContain('user\nu03\nu06\nu09\n');
    await expect(selectFiles(dir, ['*.jmx'], [], { split: ['nope/*.csv'] })).rejects.toThrow(
      '--split-csv "nope/*.csv" matches no file under',
    );
    const script = workerScript({ ssl: false });
    expect(script).toContain(
      `if [ -d ${SPLIT_DIR}/"$ATQ_WORKER_INDEX" ]; then cp -R ${SPLIT_DIR}/"$ATQ_WORKER_INDEX"/. .; fi`,
    );
    expect(script).toContain('-Jatq.worker.index="$ATQ_WORKER_INDEX" -Jatq.workers="$ATQ_WORKER_COUNT"');
  });
});
