import type { Migration } from '../../migrate';
import * as m0001 from './0001-init';
import * as m0002 from './0002-replicas';
import * as m0003 from './0003-unmatched-deliveries';
import * as m0004 from './0004-timer-lease-holder';
import * as m0005 from './0005-outcome-reasons';

/**
 * Every PostgreSQL migration, in order (numbered apart from SQLite's: each back end has its own
 * ledger). Embedded as TypeScript strings because the build copies only compiled .ts into dist/.
 * Append new ones at the end; never edit, renumber or reorder an existing one.
 */
export const postgresMigrations: readonly Migration[] = [
  { version: 1, ...m0001 },
  { version: 2, ...m0002 },
  { version: 3, ...m0003 },
  { version: 4, ...m0004 },
  { version: 5, ...m0005 },
];
