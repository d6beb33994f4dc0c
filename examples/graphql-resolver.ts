import { GraphQLError } from 'graphql';
import { CloserError, GenesysApiError, SettingsError, createCloserClient } from 'closer/client';

// One per process: it caches the token and holds the rate budget. Creating it never throws: the
// GENESYS_* variables are read at the first call, which rejects with CONFIG_INVALID if one is
// missing.
const closer = createCloserClient();

/**
 * GraphQL servers hide any error that is not a GraphQLError ("Unexpected error."), so turn closer's
 * errors into GraphQLErrors whose extensions carry the stable code and what to do about it.
 */
function toGraphQLError(error: unknown): unknown {
  if (error instanceof GenesysApiError) {
    return new GraphQLError(error.message, {
      extensions: {
        code: error.code, // GENESYS_FORBIDDEN, GENESYS_RATE_LIMITED, …
        missingPermissions: error.missingPermissions,
        fix: error.fix,
        retryable: error.retryable,
        correlationId: error.correlationId,
      },
    });
  }
  if (error instanceof SettingsError) {
    return new GraphQLError(error.message, {
      extensions: { code: error.code, missingVariables: error.missingVariables, fix: error.fix },
    });
  }
  if (error instanceof CloserError) {
    return new GraphQLError(error.message, { extensions: { code: error.code } });
  }
  return error; // not closer's: let the server mask it
}

export const resolvers = {
  Mutation: {
    async endChat(_parent: unknown, args: { conversationId: string }) {
      try {
        const result = await closer.endConversation(args.conversationId, {
          message: 'Thanks for chatting with us. This chat is now closed.',
        });
        return { outcome: result.outcome }; // 'terminated' | 'already-ended' | 'not-found'
      } catch (error) {
        throw toGraphQLError(error);
      }
    },
  },
};
