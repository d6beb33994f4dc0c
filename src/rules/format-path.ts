/**
 * `['detail', 'state', 0]` → `detail.state[0]`; keys that are not plain names are quoted
 * (`detail["a b"]`). Used for places in a pattern (validation problems) and in an event
 * (explanations).
 */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') {
      out += `[${step}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(step)) {
      out += out === '' ? step : `.${step}`;
    } else {
      out += `[${JSON.stringify(step)}]`;
    }
  }
  return out;
}
