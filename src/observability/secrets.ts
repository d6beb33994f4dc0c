/**
 * The registry of secret values masked in every log line and error body. Kept apart from the
 * winston logger so the Genesys client (and the light `closer/client` entry) can register the
 * secrets it holds without loading winston.
 */

const REDACTED = '[redacted]';

/** Values shorter than this are never registered: masking them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;

const registeredSecrets = new Set<string>();

/**
 * Registers a secret value (client secret, API token, webhook key) so that it is masked in every
 * log line, whatever key or message it appears in. Values shorter than 4 characters are ignored.
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH) {
    registeredSecrets.add(value);
  }
}

/** Masks registered secret values inside a string (each becomes `[redacted]`). */
export function maskSecrets(text: string): string {
  let out = text;
  for (const secret of registeredSecrets) {
    if (out.includes(secret)) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out;
}
