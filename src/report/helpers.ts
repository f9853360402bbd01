// The Handlebars environment of reports: Markdown escaping for `{{value}}`, formatting helpers, compiled-template cache, template errors as InputErrors.
import Handlebars from 'handlebars';
import { InputError } from '../util/errors.js';
import { capUntrusted, escapeMarkdown, plainText } from './escape.js';
import {
  NO_VALUE,
  VERDICT_ICONS,
  formatBytes,
  formatChange,
  formatInterval,
  formatNumber,
  formatPValue,
  formatTime,
  formatValue,
  pluralize,
  shortRef,
  shortSha,
  verdictMark,
} from './format.js';
import { Markdown } from './view.js';
import type { MetricVerdictKind } from '../schema/verdict.js';

export interface TemplateSource {
  text: string;
  /** Where the text came from; errors name it. */
  file: string;
}

type HelperOptions = Handlebars.HelperOptions;

/** A helper's own output is Markdown it built from escaped parts: printed as it is. */
function md(text: string): Markdown {
  return new Markdown(text);
}

/** Handlebars passes its options object last; the other arguments are the helper's parameters. */
function params(args: unknown[]): unknown[] {
  return args.slice(0, -1);
}

function hashOf(args: unknown[]): Record<string, unknown> {
  const options = args[args.length - 1] as HelperOptions | undefined;
  return (options && typeof options === 'object' && 'hash' in options ? options.hash : {}) as Record<string, unknown>;
}

function text(value: unknown): string {
  return value instanceof Markdown ? value.text : value === null || value === undefined ? '' : String(value);
}

/**
 * The helpers templates may call. Every helper returns Markdown with untrusted parts escaped, so
 * `{{value x unit}}` prints safely; unknown helpers are a compile error (`knownHelpersOnly`).
 */
export const REPORT_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  /** `{{num x}}`, `{{num x 4}}`: significant digits with thousands separators. */
  num: (...args) => {
    const [value, digits] = params(args);
    return md(formatNumber(value, typeof digits === 'number' ? digits : 3));
  },
  /** `{{value median unit}}`: "58.4 tok/s", "1.2 s", "99.5%" (ratio), "73 °C". */
  value: (...args) => {
    const [value, unit] = params(args);
    return md(escapeMarkdown(formatValue(value, capUntrusted(text(unit)))));
  },
  /** `{{pct ratio}}`: the change a ratio (head ÷ base) stands for, "−12.3%" with a real minus sign. */
  pct: (...args) => md(formatChange(params(args)[0])),
  /** `{{change ratio significant}}`: like pct, but "~" (benchstat's "no significant change") when not significant. */
  change: (...args) => {
    const [ratio, significant] = params(args);
    if (typeof ratio !== 'number') return md(NO_VALUE);
    return md(significant ? formatChange(ratio) : '~');
  },
  /** `{{ci ci}}`: "[−21%, −15%]". */
  ci: (...args) => md(formatInterval(params(args)[0])),
  /** `{{pvalue p}}`: "0.002", "<0.001"; `{{pvalue p prefix=true}}`: "p=0.002". */
  // "<0.001" is safe as it is: `<` before a digit opens no tag and no autolink.
  pvalue: (...args) => md(formatPValue(params(args)[0], hashOf(args).prefix === true)),
  /**
   * `{{mark verdict gated unit}}`: "⚠️ regression", "🚫 limit", "🚀 improvement", "~", "🆕 new", "❔ missing"; a regression
   * of a metric that does not gate (gated false) reads "↘️ slower, not gated" (speeds, times) or "↘️ worse, not gated".
   */
  mark: (...args) => {
    const [kind, gated, unit] = params(args);
    return md(verdictMark(kind, gated, unit));
  },
  /** `{{icon verdict}}`: the mark's emoji alone. */
  icon: (...args) => {
    const kind = params(args)[0];
    return md(typeof kind === 'string' && kind in VERDICT_ICONS ? VERDICT_ICONS[kind as MetricVerdictKind] : NO_VALUE);
  },
  /** `{{percent 0.05}}`: a fraction as a percentage, "5%". */
  percent: (...args) => {
    const value = params(args)[0];
    return md(typeof value === 'number' ? `${formatNumber(value * 100)}%` : NO_VALUE);
  },
  /** `{{bytes n}}`: "31.3 GiB". */
  bytes: (...args) => md(formatBytes(params(args)[0])),
  /** `{{time iso}}`: "2026-11-20 10:04 UTC". */
  time: (...args) => {
    const value = params(args)[0];
    const formatted = formatTime(value);
    return md(escapeMarkdown(formatted ?? (value ? plainText(value, { maxLength: 40 }) : NO_VALUE)));
  },
  /** `{{sha s}}`: a 7-character git sha. */
  sha: (...args) => md(escapeMarkdown(shortSha(params(args)[0]) ?? NO_VALUE, { maxLength: 40 })),
  /** `{{ref r}}`: "feature/x" for "refs/heads/feature/x". */
  ref: (...args) => md(escapeMarkdown(shortRef(params(args)[0]) ?? NO_VALUE, { maxLength: 80 })),
  /** `{{plural n "regression"}}`, `{{plural n "child" "children"}}`: "2 regressions". */
  plural: (...args) => {
    const [count, word, plural] = params(args);
    if (typeof count !== 'number') return md(NO_VALUE);
    return md(escapeMarkdown(pluralize(count, text(word), plural === undefined ? undefined : text(plural))));
  },
  /** `{{#if (eq a b)}}`. */
  eq: (...args) => {
    const [a, b] = params(args);
    return a === b;
  },
  /** `{{escapeMarkdown x}}`, `{{escapeMarkdown x max=40}}`: what `{{x}}` does, with an optional length cap. */
  escapeMarkdown: (...args) => {
    const value = params(args)[0];
    if (value instanceof Markdown) return value;
    const max = hashOf(args).max;
    return md(escapeMarkdown(value, { maxLength: typeof max === 'number' ? max : undefined }));
  },
};

const env = Handlebars.create();
for (const [name, helper] of Object.entries(REPORT_HELPERS))
  env.registerHelper(name, helper as Handlebars.HelperDelegate);
// `{{log}}` would write to the console from inside the pure core.
env.unregisterHelper('log');

/**
 * `{{value}}` normally HTML-escapes; in Markdown that is not enough (a `|` breaks a table, `[x](y)`
 * is a link, `@org/team` pings) and its entities make raw Markdown unreadable. The compiled code's
 * escaping call is redirected to `escapeMarkdown`; `{{{value}}}` stays raw, as in Handlebars.
 */
interface JavaScriptCompilerLike {
  prototype: Record<string, unknown>;
}
const envWithCompiler = env as unknown as { JavaScriptCompiler: JavaScriptCompilerLike & (new () => unknown) };
const BaseCompiler = envWithCompiler.JavaScriptCompiler;
function MarkdownCompiler(this: unknown): void {}
MarkdownCompiler.prototype = Object.create(BaseCompiler.prototype) as Record<string, unknown>;
MarkdownCompiler.prototype.compiler = MarkdownCompiler;
MarkdownCompiler.prototype.appendEscaped = function appendEscaped(this: {
  pushSource(source: unknown): void;
  appendToBuffer(source: unknown[]): unknown;
  aliasable(name: string): unknown;
  popStack(): unknown;
}): void {
  // The trailing `{}` stands in for the options object Handlebars' helper wrapper expects last.
  this.pushSource(
    this.appendToBuffer([this.aliasable('container.helpers.escapeMarkdown'), '(', this.popStack(), ', {})']),
  );
};
envWithCompiler.JavaScriptCompiler = MarkdownCompiler as unknown as JavaScriptCompilerLike & (new () => unknown);

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
type Compiled = (view: unknown) => string;

const COMPILE_OPTIONS: CompileOptions = {
  // A misspelt field is an error naming the line, not an empty cell.
  strict: true,
  knownHelpers: { ...Object.fromEntries(Object.keys(REPORT_HELPERS).map((name) => [name, true])), log: false },
  knownHelpersOnly: true,
};

const CACHE_SIZE = 32;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function lineOf(error: unknown): { line?: number; column?: number } {
  const e = error as { lineNumber?: unknown; column?: unknown; message?: unknown };
  if (typeof e.lineNumber === 'number')
    return { line: e.lineNumber, column: typeof e.column === 'number' ? e.column + 1 : undefined };
  const match = typeof e.message === 'string' ? /line (\d+)/.exec(e.message) : null;
  return match ? { line: Number(match[1]) } : {};
}

/** Turns a Handlebars failure into an InputError that names the template file, the line and what to fix. */
export function templateError(error: unknown, file: string): InputError {
  if (error instanceof InputError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const { line, column } = lineOf(error);
  const path =
    line === undefined ? undefined : column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
  // Handlebars appends " - line:column" to its messages; the path already says where.
  const message = raw.replace(/ - \d+:\d+$/, '');
  let match: RegExpExecArray | null;
  if ((match = /^You specified knownHelpersOnly, but used the unknown helper (.+)$/.exec(message))) {
    return new InputError(
      `unknown helper "${match[1]}" (helpers: ${Object.keys(REPORT_HELPERS).join(', ')}, and Handlebars' if, unless, each, with, lookup)`,
      { file, path },
    );
  }
  if ((match = /^Parse error on line \d+:\n(.*)\n.*\nExpecting (.*), got '(.*)'$/.exec(message))) {
    const [, excerpt, expectingList, got] = match as unknown as [string, string, string, string];
    const expecting = expectingList.split(', ');
    const shown = `${expecting.slice(0, 4).join(', ')}${expecting.length > 4 ? ', …' : ''}`;
    if (got === 'EOF')
      return new InputError(
        `Handlebars syntax error: the template ends inside a block or tag that is never closed (expected ${shown})`,
        { file, path },
      );
    return new InputError(`Handlebars syntax error near "${excerpt.trim()}": got '${got}', expected ${shown}`, {
      file,
      path,
    });
  }
  if ((match = /^Cannot read properties of (null|undefined) \(reading '(.+)'\)$/.exec(message))) {
    return new InputError(`cannot read "${match[2]}" of an empty value (${match[1]}); guard it with {{#if}}`, {
      file,
      path,
    });
  }
  if ((match = /^"(.+)" not defined in (.+)$/.exec(message))) {
    const parent =
      match[2] === 'null' || match[2] === 'undefined' ? ` (its parent is ${match[2]}; guard it with {{#if}})` : '';
    return new InputError(`unknown field "${match[1]}"${parent}`, { file, path });
  }
  if ((match = /^The partial (.+) could not be found$/.exec(message))) {
    return new InputError(`unknown partial "${match[1]}": report templates cannot include partials`, { file, path });
  }
  if (/doesn't match|Invalid path|Parse error/.test(message)) {
    return new InputError(`Handlebars syntax error: ${message.split('\n')[0]}`, { file, path });
  }
  return new InputError(`template failed: ${message.split('\n')[0]}`, { file, path });
}

/**
 * Compiles a template once per distinct text (later calls reuse it). Syntax errors and unknown
 * helpers surface here as InputErrors naming the file and the line.
 */
export function compileTemplate(template: TemplateSource): Compiled {
  let delegate = compiled.get(template.text);
  if (!delegate) {
    try {
      // precompile runs the whole compiler eagerly, so a broken template fails now rather than at the first render.
      env.precompile(template.text, COMPILE_OPTIONS);
      delegate = env.compile(template.text, COMPILE_OPTIONS);
    } catch (error) {
      throw templateError(error, template.file);
    }
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    compiled.set(template.text, delegate);
  }
  const run = delegate;
  return (view: unknown) => {
    try {
      return String(run(view));
    } catch (error) {
      throw templateError(error, template.file);
    }
  };
}
