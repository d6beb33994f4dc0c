import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store';
import { StoreError } from '../../../src/store/store-error';

/** One closer process per SQLite file: a second opener is refused, a killed holder frees it. */
describe('SQLite process lock', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-lock-'));
    file = join(dir, 'closer.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second store on the same file with STORE_LOCKED, and allows it after close', async () => {
    const first = await openStore(`sqlite:${file}`);
    const second = openStore(`sqlite:${file}`);
    await expect(second).rejects.toBeInstanceOf(StoreError);
    await expect(second).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringContaining('in use by another closer process') as unknown,
    });
    await first.close();
    const third = await openStore(`sqlite:${file}`);
    await third.close();
  });

  it('a different file is not affected', async () => {
    const first = await openStore(`sqlite:${file}`);
    const other = await openStore(`sqlite:${join(dir, 'other.db')}`);
    await other.close();
    await first.close();
  });

  it('a process killed with SIGKILL while holding the lock leaves it free', async () => {
    const driver = require.resolve('better-sqlite3');
    // A plain Node child takes the lock the way process-lock.ts does (an exclusive transaction on
    // `<file>.lock`), then is killed while holding it.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D=require(${JSON.stringify(driver)});const db=new D(${JSON.stringify(`${file}.lock`)},{timeout:0});` +
          `db.pragma('journal_mode = DELETE');db.pragma('locking_mode = EXCLUSIVE');` +
          `db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (at INTEGER);');` +
          `process.stdout.write('held\\n');setInterval(()=>{},1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('held')) {
          resolve();
        }
      });
      child.once('exit', (code) => {
        reject(new Error(`lock holder exited early (${String(code)})`));
      });
    });
    await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = await openStore(`sqlite:${file}`);
    await store.close();
  });
});
