export { createCloser, type Closer, type CloserOptions } from './create-closer';
export { runService } from './run-service';
