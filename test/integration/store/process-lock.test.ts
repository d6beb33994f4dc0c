import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store';
import { StoreError } from '../../../src/store/store-error';
import { acquireProcessLock } from '../../../src/store/sqlite/process-lock';

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

  it('stores of one process share the lock; another process is refused until the last closes', async () => {
    const first = await openStore(`sqlite:${file}`);
    const second = await openStore(`sqlite:${file}`);
    const held = acquireProcessLock(file);
    held.release();
    await first.close();
    // Still held by `second`: another process cannot take it.
    expect(await lockFromChild(`${file}.lock`)).toBe('busy');
    await second.close();
    expect(await lockFromChild(`${file}.lock`)).toBe('took');
  });

  it('refuses with STORE_LOCKED while another process holds the file', async () => {
    const child = await holdLockInChild(`${file}.lock`);
    try {
      await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({
        code: 'STORE_LOCKED',
        message: expect.stringContaining('in use by another closer process') as unknown,
      });
      await expect(openStore(`sqlite:${file}`)).rejects.toBeInstanceOf(StoreError);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a different file is not affected', async () => {
    const first = await openStore(`sqlite:${file}`);
    const other = await openStore(`sqlite:${join(dir, 'other.db')}`);
    await other.close();
    await first.close();
  });

  it('a process killed with SIGKILL while holding the lock leaves it free', async () => {
    const child = await holdLockInChild(`${file}.lock`);
    await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = await openStore(`sqlite:${file}`);
    await store.close();
  });
});

/**
 * The processing thread's companion connection: a second connection of the owning process, so it
 * takes no lock and must not touch the owner's claims (the owner's open and close release all).
 */
describe('SQLite companion connection', () => {
  let dir: string;
  let file: string;
  const now = Date.UTC(2026, 10, 28, 9);
  const lease = 60_000;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-companion-'));
    file = join(dir, 'closer.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (eventId: string) => ({
    source: 'crm',
    eventId,
    kind: 'webhook' as const,
    payload: { type: 'webhook' as const, body: { id: eventId } },
    receivedAt: now,
  });

  it('opens while another process holds the lock: it takes none', async () => {
    const child = await holdLockInChild(`${file}.lock`);
    try {
      await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
      const companion = await openStore(`sqlite:${file}`, { companion: true });
      await companion.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it("leaves the owner's inbox claims and timer leases alone at open and close", async () => {
    const owner = await openStore(`sqlite:${file}`);
    await owner.insertEvents(['e1', 'e2', 'e3', 'e4'].map(event));
    const ownerClaim = await owner.claimEvents(now, 2, lease);
    expect(ownerClaim.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    await owner.upsertTimer(
      { conversationId: 'c1', ruleId: 'idle', phase: 'close', dueAt: now - 1 },
      now - 10,
    );
    expect(await owner.claimDueTimers(now, 10, lease)).toHaveLength(1);

    const companion = await openStore(`sqlite:${file}`, { companion: true });
    // The owner's lease survived the companion's open: nothing is due for anyone else.
    expect(await companion.claimDueTimers(now, 10, lease)).toHaveLength(0);
    expect((await companion.claimEvents(now, 10, lease)).map((e) => e.eventId)).toEqual([
      'e3',
      'e4',
    ]);
    await companion.close();

    // The companion gave back its own claims only.
    const next = await openStore(`sqlite:${file}`, { companion: true });
    expect((await next.claimEvents(now, 10, lease)).map((e) => e.eventId)).toEqual(['e3', 'e4']);
    await next.close();
    await owner.close();
  });

  it("with the owner's claimant, its claims are the owner's: taken over at once if it dies", async () => {
    const owner = await openStore(`sqlite:${file}`);
    await owner.insertEvents(['e1', 'e2'].map(event));
    const companion = await openStore(`sqlite:${file}`, {
      companion: true,
      claimant: owner.claimant,
    });
    expect(companion.claimant).toBe(owner.claimant);
    expect(await companion.claimEvents(now, 10, lease)).toHaveLength(2);
    // The thread died with its claims: the owner's processor takes them without waiting the lease.
    expect((await owner.claimEvents(now, 10, lease)).map((e) => e.eventId)).toEqual(['e1', 'e2']);
    const stranger = await openStore(`sqlite:${file}`, { companion: true });
    expect(await stranger.claimEvents(now, 10, lease)).toHaveLength(0);
    await stranger.close();
    await companion.close();
    await owner.close();
  });

  it('is refused for a private in-memory database', async () => {
    await expect(openStore('sqlite::memory:', { companion: true })).rejects.toMatchObject({
      code: 'STORE_OPEN_FAILED',
    });
  });
});

const driver = require.resolve('better-sqlite3');
/** Node code taking the lock the way process-lock.ts does: an exclusive transaction on `lock`. */
const take = (lock: string): string =>
  `const D=require(${JSON.stringify(driver)});const db=new D(${JSON.stringify(lock)},{timeout:0});` +
  `db.pragma('journal_mode = DELETE');db.pragma('locking_mode = EXCLUSIVE');` +
  `db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (at INTEGER);');`;

/** A child process that takes the lock and keeps it until killed. */
async function holdLockInChild(lock: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', `${take(lock)}process.stdout.write('held\\n');setInterval(()=>{},1000);`],
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
  return child;
}

/** Whether another process can take the lock now. */
function lockFromChild(lock: string): Promise<'took' | 'busy'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '-e',
      `try{${take(lock)}process.stdout.write('took')}catch(e){process.stdout.write('busy')}`,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', () => {
      resolve(out.includes('took') ? 'took' : 'busy');
    });
  });
}
