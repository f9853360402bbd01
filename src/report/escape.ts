// Escaping of untrusted text (model names, case ids, branch names, engine text) for Markdown, HTML and Mermaid.
//
// Reports are rendered the way GitHub renders them: cmark-gfm with the table, strikethrough, autolink,
// tagfilter and tasklist extensions, then GitHub's own filters on the HTML text nodes (@-mentions, #123,
// GH-123, owner/repo#123, commit SHAs, :emoji:). __tests__/report-gfm.test.ts checks every rule below
// through the real cmark-gfm binary.

/** The longest single untrusted value (a label, a model name, a unit, a param) a report prints: see `capUntrusted`. */
export const UNTRUSTED_MAX = 80;

/**
 * The longest text `escapeMarkdown` prints when the caller names no cap: the longest line a report
 * composes from several values (a runner's fingerprint, a note) is 300 characters. A backstop, so that
 * no template can print a 10,000-character value, whatever it prints.
 */
export const TEXT_MAX = 300;

/**
 * Splits GitHub's text nodes without showing anything: `@<wbr>user` is the text nodes "@" and "user",
 * and neither cmark-gfm's autolinks nor GitHub's mention, reference and SHA filters (which look at one
 * text node at a time) match across it. `<wbr>` is on GitHub's sanitizer allowlist, invisible, and
 * copies as nothing. Zero-width characters would do the same, but are themselves the invisible text
 * that readers must be able to see.
 */
export const TEXT_BREAK = '<wbr>';

const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/**
 * Characters a reader cannot see: controls, format characters (zero-width space, joiners, word joiner,
 * byte-order mark, soft hyphen, Arabic letter mark, bidirectional embeddings, overrides and isolates,
 * which can make a name read differently from what it is, "trojan source"; Unicode tag characters),
 * the combining grapheme joiner, Hangul fillers and the supplementary variation selectors.
 * The variation selectors U+FE00–U+FE0F stay: they are how emoji such as ⚠️ are written.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u034f\u115f\u1160\u3164\uffa0\u{e0100}-\u{e01ef}]/gu;

// `"` too, for templates that put a value in an HTML attribute; `'` is left alone for readability.
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Characters that start or end inline Markdown (code, emphasis, links, tables, strikethrough, math, closing `#`s of headings). */
const MARKDOWN_PUNCTUATION = new Set(['\\', '`', '*', '[', ']', '|', '~', '$', '#']);

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const HEX = /[0-9a-f]/i;
/** A run of hex digits this long could be a commit SHA (GitHub links 7 to 40); shorter pieces cannot. */
const SHA_PIECE = 6;

export interface EscapeOptions {
  /** Longest text kept, in characters; longer text is cut and ends with "…". */
  maxLength?: number;
}

/** `\u200b`, `\u{e0041}`: how an invisible character is shown. */
function visibleCode(c: string): string {
  const code = c.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text in which every character is visible: line breaks become spaces, invisible characters their `\uXXXX` code. */
function visibleLine(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.replace(LINE_BREAKS, ' ').replace(INVISIBLE, visibleCode);
}

/** Cuts text to `max` characters (code points, so no emoji is split), the last being "…". */
function cut(text: string, max: number | undefined): string {
  if (max === undefined || !(max > 0) || text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(1, Math.floor(max) - 1)).join('')}…`;
}

/**
 * The one place untrusted values are cut to length: one line of visible text, trimmed, at most `max`
 * characters (80 unless told), the last being "…", so a 10,000-character label or unit cannot eat the comment.
 * Plain text: escape it for Markdown with `escapeMarkdown`.
 */
export function capUntrusted(value: unknown, max: number = UNTRUSTED_MAX): string {
  return cut(visibleLine(value).trim(), max);
}

/** Flattens any value to one line of visible text (see `capUntrusted`), optionally cut to `maxLength` characters. */
export function plainText(value: unknown, opts: EscapeOptions = {}): string {
  return cut(visibleLine(value), opts.maxLength);
}

/**
 * Where a text break goes (after the character at each index) so that nothing in the text links,
 * mentions or references: every `@` (mentions, `@org/team`, emails, `mailto:`, `xmpp:`, `owner/repo@sha`),
 * `#` before a digit or at the end (`#123`, `owner/repo#123`), `GH-` before a digit, `://`, `www.`
 * (wherever it stands: `_www.` and `model_www.` link too), `:emoji:` shortcodes (GitHub draws some as
 * images) and runs of 7 or more hex digits (commit SHAs). Custom autolink prefixes a repository
 * configures (`JIRA-123`) cannot be known here and are not broken.
 */
function breakPoints(chars: string[]): Set<number> {
  const at = new Set<number>();
  const lower = chars.map((c) => c.toLowerCase());
  const isDigit = (i: number) => /\p{Nd}/u.test(chars[i] ?? '');
  let hexRun = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = lower[i]!;
    // At the end too: the template may print a name or a number right after the value.
    if (c === '@') at.add(i);
    if (c === '#' && (isDigit(i + 1) || i === chars.length - 1)) at.add(i);
    if (c === '-' && lower[i - 2] === 'g' && lower[i - 1] === 'h' && isDigit(i + 1)) at.add(i);
    if (c === ':' && lower[i + 1] === '/' && lower[i + 2] === '/') at.add(i);
    if (c === ':' && /^:[\p{L}\p{N}_+-]+:/u.test(chars.slice(i, i + 64).join(''))) at.add(i);
    if (c === 'w' && lower[i + 1] === 'w' && lower[i + 2] === 'w' && lower[i + 3] === '.') at.add(i + 2);
    // A SHA is cut into pieces too short to be one: after every sixth hex digit of a run that goes on.
    hexRun = HEX.test(c) ? hexRun + 1 : 0;
    if (hexRun > 0 && hexRun % SHA_PIECE === 0 && HEX.test(lower[i + 1] ?? '')) at.add(i);
  }
  return at;
}

/**
 * Makes untrusted text inert inside Markdown (including table cells and list items) and in the HTML
 * GitHub renders it to: one visible line, trimmed and cut (to `maxLength`, or `TEXT_MAX`); HTML special
 * characters become entities; Markdown punctuation is backslash-escaped, as are `_` outside words and
 * list, heading and quote markers at the start; and `TEXT_BREAK` splits what GitHub would link or ping
 * (see `breakPoints`). Underscores inside words are left alone (they cannot open emphasis), so
 * `decode_tps` stays readable; the rendered text reads as the original, invisible characters shown as `\uXXXX`.
 */
export function escapeMarkdown(value: unknown, opts: EscapeOptions = {}): string {
  const text = capUntrusted(value, opts.maxLength ?? TEXT_MAX);
  const chars = Array.from(text);
  const breaks = breakPoints(chars);
  // "1. x" or "1) x" at the start would open an ordered list (in a list item, a nested one); "98.4 tok/s" would not.
  const ordinal = /^[0-9]{1,9}[.)](?= |$)/.exec(text)?.[0].length ?? 0;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    if (HTML_ENTITIES[c]) out += HTML_ENTITIES[c];
    else if (MARKDOWN_PUNCTUATION.has(c)) out += `\\${c}`;
    else if (c === '_') out += LETTER_OR_DIGIT.test(prev) && LETTER_OR_DIGIT.test(next) ? '_' : '\\_';
    // At the start these would make a list item, a heading underline or a nested ordered list.
    else if ((i === 0 && (c === '-' || c === '+' || c === '=')) || (ordinal > 0 && i === ordinal - 1)) out += `\\${c}`;
    else out += c;
    if (breaks.has(i)) out += TEXT_BREAK;
  }
  return out;
}

/**
 * A label inside a Mermaid diagram: quotes, brackets, `#` entity codes, semicolons and backticks
 * (which could close the code fence) are replaced, and the label is cut short so the axis stays legible.
 */
export function escapeMermaidLabel(value: unknown, maxLength = 24): string {
  const text = plainText(value)
    .replace(/[^\p{L}\p{N} ._:=+/-]/gu, '_')
    .replace(/\s+/g, ' ')
    .trim();
  return cut(text, maxLength) || '_';
}

/** An http(s) URL fit for a Markdown link target, or null when the value is not one. */
export function safeUrl(value: string | undefined | null): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  // Characters that would end the link destination or the surrounding HTML are percent-encoded.
  return url.href.replace(/[()<>"'\s|\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
