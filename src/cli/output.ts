import { colorEnabled, palette, type Palette } from './color';

/**
 * Where a command writes. stdout carries the answer (with `--json`: exactly one JSON document,
 * success or error); stderr carries human-readable problems, warnings and deprecation notices.
 * Injected so the whole CLI can run against other streams.
 */
export interface CommandIo {
  /** Writes one line to stdout (the newline is added). */
  out: (line: string) => void;
  /** Writes one line to stderr (the newline is added). */
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Styles for stdout lines: plain unless stdout is a colour terminal (see color.ts). */
  outStyle: Palette;
  /** Styles for stderr lines. */
  errStyle: Palette;
}

/** The real process's streams, with colour decided once from the environment and the TTYs. */
export function processIo(): CommandIo {
  return {
    out: (line) => {
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      process.stderr.write(`${line}\n`);
    },
    env: process.env,
    outStyle: palette(colorEnabled(process.env, process.stdout.isTTY)),
    errStyle: palette(colorEnabled(process.env, process.stderr.isTTY)),
  };
}
