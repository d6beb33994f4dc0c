/**
 * closer as a library. The usual entry is {@link createCloserClient}:
 *
 *   const closer = createCloserClient();            // GENESYS_* from the environment
 *   const result = await closer.endConversation(id, { message: 'Thanks, closing this chat.' });
 */
export { createCloserClient, type CloserClient } from './client/closer-client';
export {
  GenesysClient,
  GenesysApiError,
  endConversation,
  resolveRegion,
  type GenesysClientOptions,
  type EndConversationOptions,
  type TerminationOutcome,
} from './genesys';
export { CloserError } from './errors';
export { createCloser, runService, type Closer, type CloserOptions } from './service';
