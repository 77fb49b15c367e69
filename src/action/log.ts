import * as core from '@actions/core';
import type { RunListener } from '../core/events.js';
import { visibleLine } from '../util/text.js';

/**
 * Text from outside (container output, labels in the verdict lines) must never act as a workflow
 * command. The runner takes `::cmd::` at the start of a line (after spaces) and the older `##[cmd]`
 * anywhere in it: lines here never start with "::" (they carry a prefix), and a word joiner breaks "##[".
 */
export function inert(line: string): string {
  return visibleLine(line).replace(/##\[/g, '##\u2060[');
}

/**
 * The run's events in the Actions log: each stage a collapsible group, with the master's output and the
 * progress line inside it as the CLI prints them, so a long soak visibly goes on. Groups cannot nest:
 * a stage starting while another is open closes it first.
 */
export function actionListener(): RunListener {
  let open: string | undefined;
  const close = () => {
    if (open !== undefined) core.endGroup();
    open = undefined;
  };
  return (e) => {
    switch (e.type) {
      case 'stage':
        if (e.phase === 'start') {
          close();
          open = e.stage;
          core.startGroup(`atq: ${e.stage}`);
        } else if (open === e.stage) close();
        break;
      case 'log':
        if (e.level === 'warn') core.warning(e.message);
        else core.info(`[atq] ${inert(e.message)}`);
        break;
      case 'progress':
        core.info(`[atq] progress: ${inert(e.message)}`);
        break;
      case 'output':
        core.info(`  ${e.source} | ${inert(e.line)}`);
        break;
      default:
        break;
    }
  };
}
