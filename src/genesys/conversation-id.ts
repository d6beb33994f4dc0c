import { z } from 'zod';

/**
 * A conversation id as closer accepts it from outside (API paths and queries, `POST
 * /v1/rules/test`) before it goes into a Genesys URL: 1–64 URL-safe characters (Genesys uses
 * UUIDs), not only dots (`.` and `..` are dot segments: in a Genesys URL they would address a
 * parent path).
 */
export const conversationIdSchema = z
  .string()
  .regex(/^(?!\.+$)[A-Za-z0-9._-]{1,64}$/, 'must be a conversation id (a UUID such as 7f3c…)');
