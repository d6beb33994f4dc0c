/** A value as it would be written in JSON, for messages (`nothing` for undefined). */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  try {
    // JSON.stringify returns undefined for functions and symbols despite its declared type.
    return JSON.stringify(value) || typeof value;
  } catch {
    return typeof value;
  }
}
