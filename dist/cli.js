#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));

// src/cli/entry.ts
var early = [];
var onEarly = (sig) => early.push(sig);
process.on("SIGINT", onEarly);
process.on("SIGTERM", onEarly);
var { main } = await import("./atq-HPY4NLYB.js");
process.exitCode = await main(process.argv.slice(2), early, () => {
  process.off("SIGINT", onEarly);
  process.off("SIGTERM", onEarly);
});
