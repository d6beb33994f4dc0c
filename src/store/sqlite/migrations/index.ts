import type { Migration } from '../../migrate';
import * as m0001 from './0001-init';

/**
 * Every SQLite migration, in order. Embedded as TypeScript strings (not .sql files) because the
 * build (tsc) copies only compiled .ts into dist/. Append new ones at the end; never edit, renumber
 * or reorder an existing one.
 */
export const sqliteMigrations: readonly Migration[] = [{ version: 1, ...m0001 }];
