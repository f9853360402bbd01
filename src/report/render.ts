// Renders a verdict to Markdown through a Handlebars template, keeping the body under GitHub's size limit. Pure: no I/O.
import type { Verdict } from '../schema/verdict.js';
import { compileTemplate, type TemplateSource } from './helpers.js';
import { reportMarker } from './marker.js';
import { safeUrl } from './escape.js';
import { NO_TRIM, buildReportModel, buildView, foldedRowCount, mainRowCount, type ReportKind, type ReportModel, type ReportView, type Trim } from './view.js';

export type { ReportKind, ReportView, Trim } from './view.js';
export type { TemplateSource } from './helpers.js';

/**
 * GitHub's limits: an issue comment body 65,536 characters, a check run's `output.summary` 65,535,
 * a job summary 1 MiB per step (bytes: a quarter of that in characters is safe even if all were 4-byte).
 */
export const MAX_CHARS: Record<ReportKind, number> = { comment: 65_536, check: 65_535, summary: 262_144 };

export interface RenderOptions {
  kind: ReportKind;
  /** The sticky comment's id; only the comment carries the marker. */
  reportId?: string;
  /** The template's text and its file name (for errors): see `loadTemplate`. */
  template: TemplateSource;
  /** Longest body in characters; default by kind, see MAX_CHARS. */
  maxChars?: number;
  /** Where the full report lives: the workflow run (job summary) and the results artifact. */
  links?: { run?: string; results?: string };
}

/** The report's first line as plain text, unescaped but on one line: a check run's title, a log line. */
export function reportTitle(verdict: Verdict): string {
  return buildReportModel(verdict, 'check').headline.text;
}

/**
 * The largest n in [0, max) whose body is at most `limit` long, or -1 when not even n = 0 fits;
 * `lengthAt(max)` is known to be too long. Length grows about linearly with n, so interpolation
 * finds n in a few renders, with bisection as the fallback when a guess does not halve the range.
 */
function largestFitting(max: number, limit: number, lengthAt: (n: number) => number): number {
  let lo = 0;
  let loLength = lengthAt(0);
  if (loLength > limit) return -1;
  let hi = max;
  let hiLength = lengthAt(max);
  let bisect = false;
  while (hi - lo > 1) {
    const guess = bisect || hiLength === loLength ? lo + (hi - lo) / 2 : lo + ((limit - loLength) / (hiLength - loLength)) * (hi - lo);
    const mid = Math.min(hi - 1, Math.max(lo + 1, Math.floor(guess)));
    const length = lengthAt(mid);
    const before = hi - lo;
    if (length <= limit) {
      lo = mid;
      loLength = length;
    } else {
      hi = mid;
      hiLength = length;
    }
    bisect = hi - lo > before / 2;
  }
  return lo;
}

/** Closes a code fence or `<details>` that a hard cut left open, so the note after it renders. */
function closeOpenBlocks(text: string): string {
  let out = text;
  const fences = (out.match(/^```/gm) ?? []).length;
  if (fences % 2 === 1) out += '\n```';
  const open = (out.match(/<details\b/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) out += '\n\n</details>';
  return out;
}

/** Last resort (a template that prints more than the trimmed data): cut at a line and say so. */
function hardCut(text: string, note: string, maxChars: number): string {
  const suffix = `\n\n${note}\n`;
  let keep = Math.max(0, maxChars - suffix.length - 32);
  let body = '';
  for (;;) {
    const slice = text.slice(0, keep);
    const cut = slice.lastIndexOf('\n');
    body = closeOpenBlocks(cut > 0 ? slice.slice(0, cut) : slice);
    if (body.length + suffix.length <= maxChars || keep === 0) break;
    keep = Math.max(0, keep - (body.length + suffix.length - maxChars) - 16);
  }
  return `${body}${suffix}`.slice(0, maxChars);
}

function withNote(text: string, view: ReportView): string {
  // A user template may not print the note; the reader must still learn that rows are missing.
  const note = view.omittedNote?.text;
  if (!note || text.includes(note)) return text;
  return `${text.replace(/\s+$/, '')}\n\n${note}\n`;
}

function prepare(verdict: Verdict, opts: RenderOptions): { model: ReportModel; attempt: (trim: Trim) => { text: string; view: ReportView } } {
  const render = compileTemplate(opts.template);
  const model = buildReportModel(verdict, opts.kind);
  const viewOptions = {
    reportMarker: opts.kind === 'comment' ? reportMarker(opts.reportId) : null,
    links: { run: safeUrl(opts.links?.run), results: safeUrl(opts.links?.results) },
  };
  const attempt = (trim: Trim) => {
    const view = buildView(model, trim, viewOptions);
    return { text: `${withNote(render(view), view).replace(/\s+$/, '')}\n`, view };
  };
  return { model, attempt };
}

/** The report at one level of trimming, whatever its length: the steps `renderReport` goes through, for tests and tools. */
export function renderTrimmed(verdict: Verdict, opts: RenderOptions, trim: Partial<Trim>): string {
  return prepare(verdict, opts).attempt({ ...NO_TRIM, ...trim }).text;
}

/**
 * The report for one verdict as Markdown. When the body would exceed `maxChars` it drops, step by
 * step: folded unchanged rows (as many as needed), the chart, rows of ungated metrics, then the least
 * important rows (regressions are kept longest), and says how many rows it left out.
 */
export function renderReport(verdict: Verdict, opts: RenderOptions): string {
  const maxChars = opts.maxChars ?? MAX_CHARS[opts.kind];
  const { model, attempt } = prepare(verdict, opts);
  const rendered = new Map<string, string>();
  const textAt = (trim: Trim): string => {
    const key = JSON.stringify(trim);
    let text = rendered.get(key);
    if (text === undefined) {
      text = attempt(trim).text;
      rendered.set(key, text);
    }
    return text;
  };

  // Step by step: fewer folded unchanged rows, no chart, no rows of ungated metrics, fewer rows.
  if (textAt(NO_TRIM).length <= maxChars) return textAt(NO_TRIM);
  const folded = foldedRowCount(model);
  const unchanged = largestFitting(folded, maxChars, (n) => textAt({ ...NO_TRIM, maxUnchanged: n >= folded ? Infinity : n }).length);
  if (unchanged >= 0) return textAt({ ...NO_TRIM, maxUnchanged: unchanged });
  const noChart: Trim = { ...NO_TRIM, maxUnchanged: 0, dropChart: true };
  if (textAt(noChart).length <= maxChars) return textAt(noChart);
  const gatedOnly: Trim = { ...noChart, dropUngated: true };
  if (textAt(gatedOnly).length <= maxChars) return textAt(gatedOnly);
  const main = mainRowCount(model);
  const rows = largestFitting(main, maxChars, (n) => textAt({ ...gatedOnly, maxRows: n >= main ? Infinity : n }).length);
  if (rows >= 0) return textAt({ ...gatedOnly, maxRows: rows });

  const bare = attempt({ ...gatedOnly, maxRows: 0 });
  const note = bare.view.omittedNote?.text ?? "… report cut to fit GitHub's limit";
  return hardCut(bare.text, note, maxChars);
}
