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

// src/action/entry-main.ts
var signals = catchEarlySignals();
var { main } = await import("./atq-MBUWU43Q.js");
await main(signals.early, signals.release);
process.exit();
