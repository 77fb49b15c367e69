#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  catchEarlySignals
} from "./atq-L4BI6KTK.js";
import "./atq-GPQQQQ6Q.js";

// src/cli/entry.ts
var signals = catchEarlySignals();
process.stdout.on("error", (e) => {
  if (e.code !== "EPIPE") throw e;
});
var { main } = await import("./atq-GYC2M7G5.js");
var code = await main(process.argv.slice(2), signals.early, signals.release);
process.exit(code);
