import { isPlainObject } from './event-pattern-types';
import { showValue } from './show-value';
import { wildcardProblem } from './wildcard';

/**
 * Why the argument of an `anything-but` is invalid, or undefined when it is valid. The forms
 * (EventBridge user guide, "Comparison operators": anything-but, and its begins-with, ends-with,
 * ignore-case and wildcard variants; aws/event-ruler `JsonRuleCompiler`):
 * - a string or a number, or a non-empty list of only strings or only numbers;
 * - `{ prefix | suffix: s }` with `s` a non-empty string or a non-empty list of them (an empty
 *   prefix would exclude every string; EventBridge refuses it: "Null prefix/suffix not allowed");
 * - `{ equals-ignore-case | wildcard: s }` with `s` a string or a non-empty list of strings.
 */
export function anythingButProblem(argument: unknown): string | undefined {
  if (typeof argument === 'string') {
    return undefined;
  }
  if (typeof argument === 'number') {
    return Number.isFinite(argument)
      ? undefined
      : `anything-but: ${String(argument)} is not a JSON number`;
  }
  if (Array.isArray(argument)) {
    const list = argument as unknown[];
    const allStrings = list.every((item) => typeof item === 'string');
    const allNumbers = list.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (list.length > 0 && (allStrings || allNumbers)) {
      return undefined;
    }
    return 'anything-but needs a non-empty list of only strings or only numbers';
  }
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    const [form = ''] = keys;
    if (keys.length === 1 && FORMS.has(form)) {
      return formProblem(form, argument[form]);
    }
  }
  return `anything-but takes a value, a list, or one of { prefix | suffix | equals-ignore-case | wildcard }, got ${showValue(argument)}`;
}

const FORMS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function formProblem(form: string, inner: unknown): string | undefined {
  const list: unknown[] = Array.isArray(inner) ? (inner as unknown[]) : [inner];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    return `anything-but ${form} needs a string or a non-empty list of strings`;
  }
  if ((form === 'prefix' || form === 'suffix') && list.includes('')) {
    return `anything-but ${form} cannot be empty (it would exclude every string)`;
  }
  if (form === 'wildcard') {
    return list.map((item) => wildcardProblem(item)).find((p) => p !== undefined);
  }
  return undefined;
}
