import { createServer } from 'node:net';
import {
  DEFAULT_DATABASE_URL,
  StoreError,
  openStore,
  parseDatabaseUrl,
  redactUrl,
} from '../../../src/store';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:data/closer.db', 'data/closer.db'],
    ['sqlite:/var/lib/closer/closer.db', '/var/lib/closer/closer.db'],
    ['sqlite::memory:', ':memory:'],
    ['  sqlite:x.db  ', 'x.db'],
  ])('reads %s as the SQLite file %s', (url, filename) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'sqlite', filename });
  });

  it('defaults to a file under ./data', () => {
    expect(parseDatabaseUrl(DEFAULT_DATABASE_URL)).toEqual({
      kind: 'sqlite',
      filename: 'data/closer.db',
    });
  });

  it.each(['postgres://u:p@h/db', 'postgresql://h/db'])('recognises %s as PostgreSQL', (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  });

  it.each(['', 'sqlite:', 'sqlite://relative.db', 'mysql://h/db', 'data/closer.db', 'file:x.db'])(
    'refuses %j with STORE_BAD_URL naming the accepted forms',
    (url) => {
      let thrown: unknown;
      try {
        parseDatabaseUrl(url);
      } catch (e: unknown) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(StoreError);
      expect(thrown).toMatchObject({ code: 'STORE_BAD_URL' });
      expect((thrown as Error).message).toContain("'sqlite:PATH'");
      expect((thrown as Error).message).toContain("'sqlite::memory:'");
    },
  );

  it('never puts a password from the URL in the error', () => {
    expect(() => parseDatabaseUrl('mysql://user:hunter22@h/db')).toThrow(/user:\*\*\*@h/);
    expect(() => parseDatabaseUrl('mysql://user:hunter22@h/db')).not.toThrow(/hunter22/);
  });
});

describe('redactUrl', () => {
  it('hides only the password', () => {
    expect(redactUrl('postgres://closer:s3cret@db:5432/closer')).toBe(
      'postgres://closer:***@db:5432/closer',
    );
    expect(redactUrl('postgres://db/closer')).toBe('postgres://db/closer');
  });
});

describe('openStore', () => {
  it('opens PostgreSQL URLs: a server that is not there is STORE_UNAVAILABLE, without the password', async () => {
    const port = await closedPort();
    const opening = openStore(`postgresql://closer:pw1234@127.0.0.1:${port}/closer`);
    await expect(opening).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      details: { pgCode: 'ECONNREFUSED' },
    });
    await expect(opening).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}`));
    await expect(opening).rejects.not.toThrow(/pw1234/);
  });

  it('refuses other URLs with STORE_BAD_URL', async () => {
    await expect(openStore('redis://localhost')).rejects.toMatchObject({ code: 'STORE_BAD_URL' });
  });
});

/** A loopback port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
