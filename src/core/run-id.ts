import { randomBytes } from 'node:crypto';

/** Sortable and short enough for service names and hostnames (63 characters): 20261125-101530-7f3a9c. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const RUN_LABEL = 'atq.run';
export const ROLE_LABEL = 'atq.role';
