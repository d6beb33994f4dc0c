import { startTestCloser, type TestCloser, type TestCloserOptions } from './closer';
import { startFakeEventBridge, type FakeEventBridge, type Responder } from './fake-eventbridge';

/** The closers (and fake EventBridges) one e2e suite starts; see {@link useTestClosers}. */
export interface TestClosers {
  /** A test closer ({@link startTestCloser}), closed after the test. */
  start(options?: TestCloserOptions): Promise<TestCloser>;
  /**
   * A fake EventBridge answering with `respond` (default: every entry accepted) and a test closer
   * publishing its audit events there, both closed after the test.
   */
  startAudited(
    options?: Omit<TestCloserOptions, 'auditEndpoint'>,
    respond?: Responder,
  ): Promise<{ t: TestCloser; fake: FakeEventBridge }>;
}

/**
 * Call inside a `describe`: registers the `afterEach` that closes every closer the test started,
 * then every fake EventBridge, so no suite repeats that bookkeeping.
 */
export function useTestClosers(): TestClosers {
  const closers: TestCloser[] = [];
  const fakes: FakeEventBridge[] = [];
  afterEach(async () => {
    for (const closer of closers.splice(0)) {
      await closer.close();
    }
    for (const fake of fakes.splice(0)) {
      await fake.close();
    }
  });
  const start = async (options?: TestCloserOptions): Promise<TestCloser> => {
    const t = await startTestCloser(options);
    closers.push(t);
    return t;
  };
  return {
    start,
    async startAudited(options = {}, respond) {
      const fake = await startFakeEventBridge();
      fakes.push(fake);
      if (respond !== undefined) {
        fake.respond = respond;
      }
      const t = await start({ ...options, auditEndpoint: fake.endpoint });
      return { t, fake };
    },
  };
}
