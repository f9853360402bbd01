// Escaping of untrusted text (model names, case ids, branch names, engine text) for Markdown, HTML and Mermaid.

/**
 * Controls and bidirectional overrides: a newline would break a table row, a bidi override can make
 * a name read differently from what it is ("trojan source").
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]+/g;
const WORD_JOINER = '\u200d';
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

// `"` too, for templates that put a value in an HTML attribute; `'` is left alone for readability.
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Characters that start or end inline Markdown (code, emphasis, links, tables, strikethrough, math). */
const MARKDOWN_PUNCTUATION = new Set(['\\', '`', '*', '[', ']', '|', '~', '$']);

export interface EscapeOptions {
  /** Longest text kept, in characters; longer text is cut and ends with "…". */
  maxLength?: number;
}

/** Flattens any value to one line of visible text, optionally cut to `maxLength` characters. */
export function plainText(value: unknown, opts: EscapeOptions = {}): string {
  let text = value === null || value === undefined ? '' : String(value);
  text = text.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
  const max = opts.maxLength;
  if (max !== undefined && max > 0) {
    const chars = Array.from(text);
    if (chars.length > max) text = `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
  }
  return text;
}

/**
 * Makes untrusted text safe inside Markdown (including table cells) and the HTML GitHub renders it to:
 * HTML special characters become entities, Markdown punctuation is backslash-escaped, and
 * `@user`, `#123`, `https://` and `www.` get a zero-width joiner so they cannot ping, cross-reference or autolink.
 * Underscores inside words are left alone (they cannot open emphasis), so `decode_tps` stays readable.
 */
export function escapeMarkdown(value: unknown, opts: EscapeOptions = {}): string {
  const text = plainText(value, opts);
  const chars = Array.from(text);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    if (HTML_ENTITIES[c]) out += HTML_ENTITIES[c];
    else if (MARKDOWN_PUNCTUATION.has(c)) out += `\\${c}`;
    else if (c === '_') out += LETTER_OR_DIGIT.test(prev) && LETTER_OR_DIGIT.test(next) ? '_' : '\\_';
    else if (c === '#' || c === '@') out += `${i === 0 && c === '#' ? '\\' : ''}${c}${LETTER_OR_DIGIT.test(next) ? WORD_JOINER : ''}`;
    // At the start of a line these would make a list item or a heading underline.
    else if (i === 0 && (c === '-' || c === '+' || c === '=')) out += `\\${c}`;
    else out += c;
  }
  // Autolinks would make a model name a clickable link to wherever its author chose.
  return out.replace(/:\/\//g, `:${WORD_JOINER}//`).replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${WORD_JOINER}.`);
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
  const chars = Array.from(text);
  const cut = chars.length > maxLength ? `${chars.slice(0, Math.max(1, maxLength - 1)).join('')}…` : text;
  return cut || '_';
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
