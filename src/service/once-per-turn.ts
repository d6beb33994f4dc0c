/**
 * `fn` at most once per turn of the event loop, however often the result is called in it: for
 * signals where one says as much as many (drain requests after every intake request, the
 * scheduler's wake-up after every planned event), each crossing a thread as a message.
 */
export function oncePerTurn(fn: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) {
      return;
    }
    queued = true;
    setImmediate(() => {
      queued = false;
      fn();
    });
  };
}
