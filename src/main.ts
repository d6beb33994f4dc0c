#!/usr/bin/env node
import { runService } from './service/run-service';

/** Process entry of `npm start`: closer's main job (see service/run-service.ts). */
runService(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `closer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
