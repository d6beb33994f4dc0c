#!/usr/bin/env node
import { processIo } from './output';
import { runCli } from './run-cli';

/** Process entry of the `closer` command (package.json `bin`): see run-cli.ts. */
void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
