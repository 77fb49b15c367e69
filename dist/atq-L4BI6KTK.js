#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));

// src/util/early-signals.ts
function catchEarlySignals() {
  const early = [];
  const onEarly = (sig) => early.push(sig);
  process.on("SIGINT", onEarly);
  process.on("SIGTERM", onEarly);
  return {
    early,
    release: () => {
      process.off("SIGINT", onEarly);
      process.off("SIGTERM", onEarly);
    }
  };
}

export {
  catchEarlySignals
};
