/**
 * Participant attributes ("participant data": key/value texts set by an Architect flow's Set
 * Participant Data action, a script, or the API) as closer keeps them for rule matching. Genesys
 * types them `{ [key: string]: string }` on the message-conversation snapshot participants and on
 * the `v2.detail.events.conversation.{id}.attributes` event (SDK 259 `index.d.ts`,
 * docs/genesys/facts.md §13). Bounded, because they are stored with every conversation state.
 */

/** Most attributes kept per participant; beyond it the first by name are kept. 100. */
export const MAX_ATTRIBUTES = 100;
/** Longest attribute name kept, in characters; longer names are dropped. 256. */
export const MAX_ATTRIBUTE_NAME = 256;
/** Longest attribute value kept, in characters; longer values are cut to it. 2,000. */
export const MAX_ATTRIBUTE_VALUE = 2_000;

/** A participant's attributes: own properties only (built with `Object.fromEntries`). */
export type ParticipantAttributes = Record<string, string>;

/**
 * The attributes of an untrusted `value`, or undefined when it holds none: text values kept
 * (cut to {@link MAX_ATTRIBUTE_VALUE}), numbers and booleans as text, anything else dropped;
 * names longer than {@link MAX_ATTRIBUTE_NAME} dropped; at most {@link MAX_ATTRIBUTES}, first by
 * name. `Object.fromEntries` defines own properties, so a `__proto__` name is an ordinary key.
 */
export function readAttributes(value: unknown): ParticipantAttributes | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const entries: [string, string][] = [];
  for (const [name, raw] of Object.entries(value)) {
    if (name.length === 0 || name.length > MAX_ATTRIBUTE_NAME) {
      continue;
    }
    const text =
      typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : undefined;
    if (text !== undefined) {
      entries.push([name, text.slice(0, MAX_ATTRIBUTE_VALUE)]);
    }
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.slice(0, MAX_ATTRIBUTES));
}

/**
 * `update` laid over `base` (an attributes event names the keys it sets; whether Genesys sends
 * every key or only the changed ones is not documented, so keys it leaves out are kept).
 */
export function mergeAttributes(
  base: ParticipantAttributes | undefined,
  update: ParticipantAttributes,
): ParticipantAttributes {
  return readAttributes({ ...base, ...update }) ?? {};
}
