import { parseSeedTask } from '../../src/server/seed-task.js';

/** The seed's own example (thesis, appendix A.4), as its users sent it. */
const SEED_EXAMPLE = {
  delay: 2,
  master: {
    alias: 'Coordinator',
    image: 'tenrero/jmeterdistributed',
    fileid: '1530553166',
    environment: ['MODE=master', 'TEST_PATH=/atq/data/abvetmadrid.jmx'],
    replicas: 1,
    tty: true,
  },
  name: 'jm11',
  waitCommand: { command: 'sleep 4', expectedResult: '', timeout: 2 },
  worker: {
    alias: 'Minions',
    image: 'tenrero/jmeterdistributed',
    replicas: 3,
    environment: ['MODE=node'],
    tty: true,
  },
};

const minimal = (more: Record<string, unknown> = {}) => ({
  name: 't',
  master: { image: 'busybox' },
  worker: { image: 'busybox', replicas: 2 },
  ...more,
});

describe('parseSeedTask', () => {
  test("the seed's own example payload parses as it meant", () => {
    const { spec, problems } = parseSeedTask(SEED_EXAMPLE);
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      name: 'jm11',
      delayMs: 2000,
      // "" could not mean anything else in the seed's Go model than "no expected output".
      waitCommand: { command: 'sleep 4', timeoutMs: 2000 },
      master: {
        alias: 'Coordinator',
        image: 'tenrero/jmeterdistributed',
        fileId: '1530553166',
        args: [],
        env: { MODE: 'master', TEST_PATH: '/atq/data/abvetmadrid.jmx' },
        replicas: 1,
        tty: true,
      },
      worker: {
        alias: 'Minions',
        image: 'tenrero/jmeterdistributed',
        args: [],
        env: { MODE: 'node' },
        replicas: 3,
        tty: true,
      },
      collect: [],
    });
  });

  test('defaults: no delay, no wait command, master replicas 1, wait timeout 60 s', () => {
    const { spec } = parseSeedTask(minimal({ waitCommand: { command: 'true' } }));
    expect(spec).toMatchObject({ delayMs: 0, master: { replicas: 1, args: [], env: {}, tty: false } });
    expect(spec?.waitCommand).toEqual({ command: 'true', timeoutMs: 60_000 });
  });

  test('environment as an object, args, fileId, and collect at the top level and in master', () => {
    const { spec, problems } = parseSeedTask(
      minimal({
        master: {
          image: 'm',
          args: ['sh', '-c', 'x'],
          environment: { A: 'b=c', N: 3, B: true },
          fileId: 'f1',
        },
        collect: ['/out/a.txt', '/out/dir/'],
        waitCommand: { command: 'ping', expectedResult: 'pong', timeout: 5 },
      }),
    );
    expect(problems).toEqual([]);
    expect(spec?.master).toMatchObject({
      args: ['sh', '-c', 'x'],
      env: { A: 'b=c', N: '3', B: 'true' },
      fileId: 'f1',
    });
    expect(spec?.collect).toEqual(['/out/a.txt', '/out/dir']);
    expect(spec?.waitCommand).toEqual({ command: 'ping', expectedResult: 'pong', timeoutMs: 5000 });
    const both = parseSeedTask(minimal({ master: { image: 'm', collect: ['/r'] }, collect: ['/q', '/r'] }));
    expect(both.spec?.collect).toEqual(['/q', '/r']);
  });

  test('missing fields: each one named (the seed answered 500)', () => {
    const { spec, problems } = parseSeedTask({ master: {}, worker: {} });
    expect(spec).toBeUndefined();
    expect(problems).toEqual([
      'name: required, a non-empty string',
      'master.image: required, a Docker image name',
      'worker.image: required, a Docker image name',
      'worker.replicas: required, an integer from 1 to 100 (how many workers)',
    ]);
    expect(parseSeedTask({ name: 'x' }).problems).toEqual([
      'master: required, an object {image, args, environment, replicas, fileId, ...}',
      'worker: required, an object {image, args, environment, replicas, fileId, ...}',
    ]);
    expect(parseSeedTask(minimal({ waitCommand: {} })).problems).toEqual([
      'waitCommand.command: required, a shell command',
    ]);
  });

  test('wrong types: every field says what it must be', () => {
    const { problems } = parseSeedTask({
      name: 7,
      delay: 1.5,
      waitCommand: { command: 'x', expectedResult: 1, timeout: -1 },
      master: {
        image: 'has space',
        args: 'sh -c run',
        environment: 'A=b',
        replicas: 2,
        fileId: 5,
        tty: 'yes',
      },
      worker: { image: 'w', args: [1], environment: ['NOEQUALS', 3], replicas: 0, alias: '' },
      collect: ['relative/path', '/', '/a/../etc', 4],
    });
    expect(problems).toEqual([
      'name: must be a non-empty string',
      'delay: must be a whole number of seconds from 0 to 3600',
      'waitCommand.expectedResult: must be a string',
      'waitCommand.timeout: must be a whole number of seconds from 1 to 3600',
      'master.image: must be a Docker image name without spaces (e.g. "alpine:3.20")',
      'master.args: must be an array of strings, one per argument (e.g. ["sh", "-c", "run.sh"]); a single string is not split',
      'master.environment: must be an array of "NAME=value" strings or an object {NAME: value}',
      'master.replicas: must be 1 (a task has one master; scale the workers instead), or left out',
      'master.fileId: must be the id of an upload (a string)',
      'master.tty: must be true or false',
      'worker.alias: must be a non-empty string',
      'worker.args: must be an array of strings, one per argument',
      'worker.environment[0]: must be a "NAME=value" string',
      'worker.environment[1]: must be a "NAME=value" string',
      'worker.replicas: must be an integer from 1 to 100',
      'collect[0]: must be an absolute path in the master\'s container (e.g. "/out/result.txt")',
      'collect[1]: must name a file or folder below / without ".." (got "/")',
      'collect[2]: must name a file or folder below / without ".." (got "/a/../etc")',
      'collect[3]: must be an absolute path in the master\'s container (e.g. "/out/result.txt")',
    ]);
  });

  test('the variables ATQ sets (REMOTES, WORKER_CSV_VIPS) cannot be given, in either form', () => {
    const { spec, problems } = parseSeedTask(
      minimal({
        master: { image: 'm', environment: ['REMOTES=1.2.3.4', 'OK=1'] },
        worker: { image: 'w', replicas: 1, environment: { WORKER_CSV_VIPS: 'x', '1BAD': 'y' } },
      }),
    );
    expect(spec).toBeUndefined();
    expect(problems).toEqual([
      "master.environment: REMOTES is set by ATQ (the workers' addresses) and cannot be given",
      "worker.environment: WORKER_CSV_VIPS is set by ATQ (the workers' addresses) and cannot be given",
      'worker.environment: "1BAD" is not a valid variable name',
    ]);
  });

  test('unknown keys, at every level, are problems (a typo must not be ignored)', () => {
    const { problems } = parseSeedTask(
      minimal({
        nmae: 'typo',
        waitCommand: { command: 'x', expected: 'y' },
        worker: { image: 'w', replicas: 1, collect: ['/x'], env: [] },
        fileId: 'f',
      }),
    );
    expect(problems).toEqual([
      'nmae: unknown field; allowed: name, delay, waitCommand, master, worker, collect',
      'fileId: unknown field; allowed: name, delay, waitCommand, master, worker, collect',
      'waitCommand.expected: unknown field; allowed: command, expectedResult, timeout',
      'worker.collect: unknown field; allowed: alias, image, args, environment, replicas, fileId, fileid, tty',
      'worker.env: unknown field; allowed: alias, image, args, environment, replicas, fileId, fileid, tty',
    ]);
  });

  test('fileId and fileid together, limits, and a body that is not an object', () => {
    expect(parseSeedTask(minimal({ master: { image: 'm', fileId: 'a', fileid: 'b' } })).problems).toEqual([
      'master.fileId: given twice (fileId and fileid); keep one',
    ]);
    expect(parseSeedTask(minimal({ worker: { image: 'w', replicas: 101 } })).problems).toEqual([
      'worker.replicas: must be an integer from 1 to 100',
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `/out/${i}`);
    expect(parseSeedTask(minimal({ collect: many })).problems).toEqual([
      'collect: at most 20 paths (got 21)',
    ]);
    for (const body of [null, 'text', [minimal()], 42]) {
      expect(parseSeedTask(body).problems).toEqual([
        'body: must be a JSON object with name, master and worker (the seed task payload)',
      ]);
    }
  });
});
