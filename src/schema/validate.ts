// Turns zod validation failures into one InputError that names the file, the path and what was expected.
import type { z } from 'zod';
import { InputError, formatPath } from '../util/errors.js';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity: JSON.stringify says null
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

/** How users name the types zod expects. */
function typeName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

type Issue = z.core.$ZodIssue;

/** A branch that failed only because the value has another type altogether (a string where a mapping was expected). */
const wrongTypeOnly = (issues: readonly Issue[]): boolean =>
  issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));

/**
 * The branch of a union the value came closest to: the first one whose type matched, so its own problem is
 * the real one (`max_tokens: abc` in a prompt mapping is a bad max_tokens, not "Invalid input").
 */
function closestBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue | undefined {
  const branches = issue.errors.filter((b) => b.length > 0);
  const matched = branches.filter((b) => !wrongTypeOnly(b));
  if (matched.length === 0) return undefined;
  // Among the branches whose type matched, the one that got furthest into the value.
  const depth = (b: readonly Issue[]): number => Math.max(...b.map((i) => i.path.length));
  const best = matched.reduce((a, b) => (depth(b) > depth(a) ? b : a));
  const first = best[0]!;
  return { ...first, path: [...issue.path, ...first.path] } as Issue;
}

function expectedTypesOf(issue: Extract<Issue, { code: 'invalid_union' }>): string[] {
  const out: string[] = [];
  for (const branch of issue.errors) {
    for (const i of branch) {
      if (i.path.length !== 0) continue;
      const name =
        i.code === 'invalid_type'
          ? typeName(i.expected)
          : i.code === 'invalid_value'
            ? i.values.map((v) => JSON.stringify(v)).join(' | ')
            : undefined;
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** `yaml`: the document was YAML, where unquoted digits become numbers. */
export function issueMessage(
  issue: Issue,
  root: unknown,
  opts: { yaml?: boolean } = {},
): { path: string; message: string } {
  const path = formatPath(issue.path);
  const got = valueAt(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`,
      };
    case 'invalid_type': {
      if ((issue.expected as string) === 'int') {
        // zod reports a fractional number as the wrong type; our own message, when the schema gave one, says more.
        return {
          path,
          message: `${issue.message.startsWith('Invalid input') ? 'expected a whole number' : issue.message} (got ${describe(got)})`,
        };
      }
      // YAML reads unquoted digits (a sha256 of digits only, a version like 1.10) as a number.
      const hint =
        opts.yaml && issue.expected === 'string' && typeof got === 'number'
          ? ' (quote the value: YAML reads unquoted digits as a number)'
          : '';
      // In YAML, users write mappings and lists; JSON documents keep JSON's words.
      const expected =
        opts.yaml && ['object', 'record', 'array'].includes(issue.expected)
          ? typeName(issue.expected === 'record' ? 'object' : issue.expected)
          : issue.expected;
      return { path, message: `expected ${expected}, got ${describe(got)}${hint}` };
    }
    case 'invalid_value':
      return {
        path,
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${describe(got)}`,
      };
    case 'invalid_key': {
      const inner = issue.issues[0];
      const key = issue.path.at(-1);
      return {
        path,
        message: `${inner && !inner.message.startsWith('Invalid') ? inner.message : 'invalid key'} (got the key ${JSON.stringify(String(key))})`,
      };
    }
    case 'invalid_union': {
      const branch = closestBranch(issue);
      if (branch) return issueMessage(branch, root, opts);
      const types = expectedTypesOf(issue);
      return {
        path,
        message:
          types.length > 0
            ? `expected ${types.join(' or ')}, got ${describe(got)}`
            : `${issue.message}, got ${describe(got)}`,
      };
    }
    case 'too_big':
    case 'too_small': {
      // zod's own wording ("Too small: expected string to have >=1 characters") rewritten; a schema's message stands.
      if (!/^Too (small|big)/.test(issue.message)) return { path, message: `${issue.message} (got ${describe(got)})` };
      const small = issue.code === 'too_small';
      const bound = Number(
        small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum,
      );
      const inclusive = issue.inclusive !== false;
      const sign = small ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
      const message =
        issue.origin === 'string'
          ? small && bound === 1
            ? 'expected a non-empty string'
            : `expected a string of ${small ? 'at least' : 'at most'} ${bound} characters`
          : issue.origin === 'array' || issue.origin === 'set'
            ? `expected ${small ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`
            : `expected a number ${sign} ${bound}`;
      return { path, message: `${message} (got ${describe(got)})` };
    }
    case 'custom':
    case 'invalid_format':
    default:
      return { path, message: `${issue.message} (got ${describe(got)})` };
  }
}

/** Validates `data` against `schema`; throws an InputError naming `file`, the path and the expectation. */
/** Problems listed in one error before "and N more". */
const MAX_PROBLEMS = 20;

export function parseWith<S extends z.ZodType>(schema: S, data: unknown, file: string, what?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const { path, message } = issueMessage(first, data, { yaml: /\.ya?ml$/i.test(file) });
  // Every problem at once (up to 20), so a user fixes the file in one go rather than one error per run.
  const yaml = /\.ya?ml$/i.test(file);
  const others = result.error.issues.slice(1, MAX_PROBLEMS).map((issue) => {
    const other = issueMessage(issue, data, { yaml });
    return `${other.path ? `${other.path}: ` : ''}${other.message}`;
  });
  const rest = result.error.issues.length - 1 - others.length;
  const more = others.length
    ? `; also ${others.join('; ')}${rest > 0 ? `; and ${rest} more problem${rest > 1 ? 's' : ''}` : ''}`
    : '';
  throw new InputError(`${what ? `${what}: ` : ''}${message}${more}`, { file, path });
}
