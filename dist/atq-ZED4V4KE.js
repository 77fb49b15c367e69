#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  STATE,
  getState,
  info,
  removeTlsFiles,
  warning
} from "./atq-IHZY7TVW.js";
import {
  connector,
  describeRun,
  errorMessage,
  sweep
} from "./atq-U6OLYAHZ.js";
import "./atq-GPQQQQ6Q.js";

// src/action/post.ts
var log = {
  info: (m) => info(`[atq] ${m}`),
  warn: (m) => warning(m),
  output: () => {
  },
  progress: () => {
  }
};
async function post() {
  try {
    const runId = getState(STATE.runId);
    const keep = getState(STATE.keep) === "true";
    if (runId && !keep && getState(STATE.finished) !== "true") await removeRun(runId);
  } catch (e) {
    warning(`post: could not remove the run's objects: ${errorMessage(e)}`);
  } finally {
    await removeTlsFiles().catch(
      (e) => warning(`post: could not remove the TLS files: ${errorMessage(e)}`)
    );
  }
}
async function removeRun(runId) {
  const docker = JSON.parse(getState(STATE.docker) || "{}");
  info(`[atq] main did not finish cleaning up run ${runId}: removing what is left`);
  const client = await connector({ ...docker, insecurePlaintext: docker.insecurePlaintext ?? false })();
  const result = await sweep(client, { runId, force: true }, log);
  for (const r of result.forced) info(`[atq] removing ${describeRun(r)}`);
  info(`[atq] post: removed ${result.removed.length} object(s) of run ${runId}`);
  if (result.failed.length) {
    warning(
      `post: ${result.failed.length} object(s) of run ${runId} could not be removed: ` + result.failed.map((f) => `${f.object.kind} ${f.object.name} (${f.error})`).join(", ")
    );
  }
}
export {
  post
};
