/**
 * `closer`: the same light library as `closer/client` (the Genesys client and
 * `createCloserClient`), so that the obvious import never loads the service. The service
 * (`createCloser`, `runService`: Express, SQLite, AWS SDK, winston) is `closer/service`; the
 * Genesys simulator is `closer/simulator`.
 */
export * from './client';
