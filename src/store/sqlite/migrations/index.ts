import type { Migration } from '../../migrate';
import * as m0001 from './0001-init';
import * as m0002 from './0002-episodes';
import * as m0003 from './0003-audit-outbox';
import * as m0004 from './0004-replica-claims';
import * as m0005 from './0005-replicas';
import * as m0006 from './0006-unmatched-deliveries';
import * as m0007 from './0007-outcome-reasons';

/**
 * Every SQLite migration, in order. Embedded as TypeScript strings (not .sql files) because the
 * build (tsc) copies only compiled .ts into dist/. Append new ones at the end; never edit, renumber
 * or reorder an existing one.
 */
export const sqliteMigrations: readonly Migration[] = [
  { version: 1, ...m0001 },
  { version: 2, ...m0002 },
  { version: 3, ...m0003 },
  { version: 4, ...m0004 },
  { version: 5, ...m0005 },
  { version: 6, ...m0006 },
  { version: 7, ...m0007 },
];
