import type { AppliedMigration, Migration, MigrationDriver } from '../../../src/store';
import {
  StoreError,
  assertMigrationList,
  runMigrations,
  sqliteMigrations,
} from '../../../src/store';
import { silentLogger } from '../../../src/observability/logger';

const migrations: Migration[] = [
  { version: 1, name: 'one', sql: 'one' },
  { version: 2, name: 'two', sql: 'two' },
  { version: 3, name: 'three', sql: 'three' },
];

/** An in-memory ledger; `failOn` makes that version's apply throw; `raced` pretends another process won. */
function fakeDriver(
  applied: AppliedMigration[] = [],
  options: { failOn?: number; raced?: number } = {},
): MigrationDriver & { ledger: AppliedMigration[]; ran: string[] } {
  const ledger = [...applied];
  const ran: string[] = [];
  return {
    ledger,
    ran,
    ensureLedger: () => Promise.resolve(),
    applied: () => Promise.resolve([...ledger]),
    apply: (migration, appliedAt) => {
      if (migration.version === options.failOn) {
        return Promise.reject(new Error('syntax error near "two"'));
      }
      if (migration.version === options.raced) {
        return Promise.resolve(false);
      }
      ran.push(migration.sql);
      ledger.push({ version: migration.version, name: migration.name, appliedAt });
      return Promise.resolve(true);
    },
  };
}

const options = { now: () => 42, logger: silentLogger, backend: 'Test' };

describe('runMigrations', () => {
  it('applies every migration in order on a new database', async () => {
    const driver = fakeDriver();
    expect(await runMigrations(driver, migrations, options)).toEqual({
      from: 0,
      to: 3,
      applied: [1, 2, 3],
    });
    expect(driver.ran).toEqual(['one', 'two', 'three']);
    expect(driver.ledger.map((row) => row.appliedAt)).toEqual([42, 42, 42]);
  });

  it('applies only the missing ones and nothing when up to date', async () => {
    const driver = fakeDriver([{ version: 1, name: 'one', appliedAt: 1 }]);
    expect(await runMigrations(driver, migrations, options)).toEqual({
      from: 1,
      to: 3,
      applied: [2, 3],
    });
    expect(await runMigrations(driver, migrations, options)).toEqual({
      from: 3,
      to: 3,
      applied: [],
    });
    expect(driver.ran).toEqual(['two', 'three']);
  });

  it('does not count a migration another process applied first', async () => {
    const driver = fakeDriver([], { raced: 2 });
    expect(await runMigrations(driver, migrations, options)).toEqual({
      from: 0,
      to: 3,
      applied: [1, 3],
    });
  });

  it('refuses a database newer than the code with STORE_SCHEMA_TOO_NEW, naming what it found', async () => {
    const driver = fakeDriver([
      { version: 1, name: 'one', appliedAt: 1 },
      { version: 4, name: 'four', appliedAt: Date.UTC(2027, 0, 1) },
    ]);
    const running = runMigrations(driver, migrations, options);
    await expect(running).rejects.toMatchObject({
      code: 'STORE_SCHEMA_TOO_NEW',
      details: { found: 4, foundName: 'four', known: 3 },
    });
    await expect(running).rejects.toThrow(/schema version 4 \('four'.*up to 3/);
    expect(driver.ran).toEqual([]);
  });

  it('wraps a failing migration in STORE_MIGRATION_FAILED with the cause and stops', async () => {
    const driver = fakeDriver([], { failOn: 2 });
    const running = runMigrations(driver, migrations, options);
    await expect(running).rejects.toBeInstanceOf(StoreError);
    await expect(running).rejects.toMatchObject({
      code: 'STORE_MIGRATION_FAILED',
      details: { version: 2, name: 'two' },
      cause: expect.objectContaining({ message: 'syntax error near "two"' }) as unknown,
    });
    expect(driver.ran).toEqual(['one']);
  });
});

describe('assertMigrationList', () => {
  it('accepts 1..n and the shipped SQLite list', () => {
    expect(() => {
      assertMigrationList(migrations);
    }).not.toThrow();
    expect(() => {
      assertMigrationList(sqliteMigrations);
    }).not.toThrow();
    expect(sqliteMigrations[0]).toMatchObject({ version: 1, name: 'init' });
  });

  it('rejects gaps, duplicates and reordering', () => {
    for (const bad of [
      [migrations[0]!, migrations[2]!],
      [migrations[0]!, migrations[0]!],
      [migrations[1]!, migrations[0]!],
    ]) {
      expect(() => {
        assertMigrationList(bad);
      }).toThrow(/out of order/);
    }
  });
});
