/** ANSI styles for one output stream; each returns its text unchanged when colour is off. */
export interface Palette {
  /** Whether this stream gets colour (commander's help asks too). */
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

/**
 * Whether a stream may carry ANSI colour: never when `NO_COLOR` is set and non-empty
 * (no-color.org); always when `FORCE_COLOR` is set, unless it is `0` or `false`; otherwise only on a
 * TTY whose `TERM` is not `dumb`. Piped or redirected output therefore never holds escapes.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') {
    return false;
  }
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    return force !== '0' && force !== 'false';
  }
  return isTTY && env.TERM !== 'dumb';
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

/** The palette for a stream: real SGR escapes when `enabled`, identity functions otherwise. */
export function palette(enabled: boolean): Palette {
  return enabled
    ? { enabled, bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) }
    : { enabled, bold: plain, red: plain, green: plain, yellow: plain };
}
