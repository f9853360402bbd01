// Turns zod validation failures into one InputError that names the file, the path and what was expected.
import type { z } from 'zod';
import { InputError, formatPath } from './errors.js';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export function issueMessage(issue: z.core.$ZodIssue, root: unknown): { path: string; message: string } {
  const path = formatPath(issue.path);
  const got = valueAt(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`,
      };
    case 'invalid_type':
      return { path, message: `expected ${issue.expected}, got ${describe(got)}` };
    case 'invalid_value':
      return {
        path,
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${describe(got)}`,
      };
    case 'invalid_union':
      return { path, message: `${issue.message}, got ${describe(got)}` };
    default:
      return { path, message: `${issue.message} (got ${describe(got)})` };
  }
}

/** Validates `data` against `schema`; throws an InputError naming `file`, the path and the expectation. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, file: string, what?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const { path, message } = issueMessage(first, data);
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem${result.error.issues.length > 2 ? 's' : ''})` : '';
  throw new InputError(`${what ? `${what}: ` : ''}${message}${more}`, { file, path });
}
