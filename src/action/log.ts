import * as core from '@actions/core';
import type { RunListener } from '../core/events.js';
import { liveLabelLines, liveLine } from '../results/live-format.js';
import type { LiveSnapshot } from '../results/live-types.js';
import { inertLine } from '../util/text.js';

/**
 * Text from outside (container output, labels in the verdict lines, an ATQ server's events) must never act
 * as a workflow command: see inertLine.
 */
export const inert = inertLine;

/**
 * Text for an annotation or a group name, which @actions/core sends as `::warning::TEXT`: it escapes CR,
 * LF and % (so the text stays one command, its lines shown in the annotation) and nothing else. Each
 * line is made inert too, so no "##[" and no terminal escape reaches the log whatever the runner does.
 */
export function inertText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(inert)
    .join('\n');
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
  /**
   * Live statistics: one line for the whole run, which is the title of a collapsed group holding each
   * label's line. Groups cannot nest, so the running stage's group closes first: from the first live line
   * on, the run's progress shows at the top level of the log, as a long soak should.
   */
  const live = (s: LiveSnapshot) => {
    close();
    core.startGroup(`[atq] ${inert(liveLine(s))}`);
    for (const l of liveLabelLines(s)) core.info(inert(l));
    core.endGroup();
  };
  return (e) => {
    switch (e.type) {
      case 'stage':
        if (e.phase === 'start') {
          close();
          open = e.stage;
          core.startGroup(`atq: ${inert(e.stage)}`);
        } else if (open === e.stage) close();
        break;
      case 'log':
        if (e.level === 'warn') core.warning(inertText(e.message));
        else core.info(`[atq] ${inert(e.message)}`);
        break;
      case 'progress':
        core.info(`[atq] progress: ${inert(e.message)}`);
        break;
      case 'output':
        core.info(`  ${inert(e.source)} | ${inert(e.line)}`);
        break;
      case 'live':
        live(e.snapshot);
        break;
      case 'auto-stop':
        // At the top level, not in the stage's collapsed group; the step's annotations say it at the end
        // (a warning here as well would be a third annotation for one stop).
        close();
        core.info(`[atq] auto-stop: ${inert(e.message)}`);
        break;
      default:
        break;
    }
  };
}
