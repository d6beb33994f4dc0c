import { CloserError } from '../errors';

/**
 * Configuration mistakes in a publisher, thrown by constructors only (never by `publish`):
 * `PUBLISH_INVALID_OPTIONS`.
 */
export class PublishError extends CloserError {}
