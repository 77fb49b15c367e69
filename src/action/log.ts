import * as core from '@actions/core';
import type { RunListener } from '../core/events.js';
import { visibleLine } from '../util/text.js';

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
        else core.info(`[atq] ${e.message}`);
        break;
      case 'progress':
        core.info(`[atq] progress: ${e.message}`);
        break;
      case 'output':
        // Indented, so that no line from a container can start with "::" and act as a workflow command.
        core.info(`  ${e.source} | ${visibleLine(e.line)}`);
        break;
      default:
        break;
    }
  };
}
