import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');

function atq(args: string[], closeStdout: boolean) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // A reader that stops after the first line, as `| head -1` does: atq's next write meets a closed pipe.
    if (closeStdout) child.stdout.destroy();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return once(child, 'close').then(([code]) => ({ code: code as number, stdout, stderr }));
}

test('atq --version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', 'version', '-V']) {
    expect(await atq([flag], false)).toEqual({ code: 0, stdout: `atq ${version}\n`, stderr: '' });
  }
});

test('a reader that went away (atq doctor | head -1) is no crash: no EPIPE, the checks go on, exit 0', async () => {
  const res = await atq(['doctor'], true);
  expect(res.stdout).toMatch(/^ok {4}connection: /);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
});
