// Renders a verdict to Markdown through a Handlebars template, keeping the body under GitHub's size limit. Pure: no I/O.
import type { Verdict } from '../schema/verdict.js';
import { compileTemplate, type TemplateSource } from './helpers.js';
import { reportMarker } from './marker.js';
import { safeUrl } from './escape.js';
import {
  NO_TRIM,
  type TIERS,
  buildReportModel,
  buildView,
  itemSizeEstimate,
  type ReportKind,
  type ReportModel,
  type ReportView,
  type Trim,
} from './view.js';
import { largestFitting } from './trim.js';

export type { ReportKind, ReportView, Trim, TierName } from './view.js';
export { TIERS } from './view.js';
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
  /** Where the full report lives: the workflow run (job summary) and the results artifacts. */
  links?: { run?: string; results?: string };
  /**
   * The job summary of this run holds every row (`renderReportResult(…, { kind: 'summary' }).cut` was false): only
   * then do the comment's and the check's notes send the reader there. Unknown (the default) counts as no.
   */
  summaryComplete?: boolean;
}

export interface RenderResult {
  text: string;
  /** Something was left out to fit: rows, charts, or (a template printing more than any trim removes) a hard cut. */
  cut: boolean;
  /** Rows and charts left out (0 when nothing was). */
  omittedRows: number;
  omittedCharts: number;
  /** Bodies rendered to find the cut (for tools and tests; rendering is the costly part). */
  renders: number;
}

/** The report's first line as plain text, unescaped but on one line: a check run's title, a log line. */
export function reportTitle(verdict: Verdict): string {
  return buildReportModel(verdict, 'check', { headlineOnly: true }).headline.text;
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
  return `${text.trimEnd()}\n\n${note}\n`;
}

function prepare(
  verdict: Verdict,
  opts: RenderOptions,
): { model: ReportModel; attempt: (trim: Trim) => { text: string; view: ReportView } } {
  const render = compileTemplate(opts.template);
  const model = buildReportModel(verdict, opts.kind);
  const viewOptions = {
    reportMarker: opts.kind === 'comment' ? reportMarker(opts.reportId) : null,
    links: { run: safeUrl(opts.links?.run), results: safeUrl(opts.links?.results) },
    summaryComplete: opts.summaryComplete === true,
  };
  const attempt = (trim: Trim) => {
    const view = buildView(model, trim, viewOptions);
    return { text: `${withNote(render(view), view).trimEnd()}\n`, view };
  };
  return { model, attempt };
}

/** The report at one level of trimming, whatever its length: the steps `renderReport` goes through, for tests and tools. */
export function renderTrimmed(verdict: Verdict, opts: RenderOptions, trim: Partial<Trim>): string {
  return prepare(verdict, opts).attempt({ ...NO_TRIM, ...trim }).text;
}

/** How many items of the keep order (see `ReportModel.items`) a trim level that keeps every tier down to `tier` keeps. */
export function keepThrough(verdict: Verdict, kind: ReportKind, tier: (typeof TIERS)[number]): number {
  return buildReportModel(verdict, kind).tiers[tier].end;
}

/**
 * The report for one verdict as Markdown, with what was cut. When the body would exceed `maxChars` it keeps the
 * longest prefix of the keep order that fits: it drops folded unchanged rows first, then charts, head medians,
 * ungated changes, improvements, new and missing rows, and failures (broken limits and gated regressions) only
 * when nothing else is left, every runner's worst before any runner's second; and says what it left out and where
 * the full report is. It renders a handful of bodies, none much longer than the limit: a size estimate per row
 * guesses the cut and each render corrects the guess.
 */
export function renderReportResult(verdict: Verdict, opts: RenderOptions): RenderResult {
  const maxChars = opts.maxChars ?? MAX_CHARS[opts.kind];
  const { model, attempt } = prepare(verdict, opts);
  const rendered = new Map<number, { text: string; view: ReportView }>();
  const at = (keep: number) => {
    let r = rendered.get(keep);
    if (r === undefined) {
      r = attempt({ keep });
      rendered.set(keep, r);
    }
    return r;
  };
  const result = (r: { text: string; view: ReportView }, cut = r.view.omitted !== null): RenderResult => ({
    text: r.text,
    cut,
    omittedRows: r.view.omitted?.rows ?? 0,
    omittedCharts: r.view.omitted?.charts ?? 0,
    renders: rendered.size,
  });
  const n = model.items.length;
  const estimate = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) estimate[i + 1] = estimate[i]! + itemSizeEstimate(model, model.items[i]!);
  const keep = largestFitting(estimate, maxChars, (k) => at(k).text.length);
  if (keep >= 0) return result(at(keep));

  const bare = at(0);
  const note =
    bare.view.omittedNote?.text ?? `… report cut to fit GitHub's limit; full report in ${bare.view.fullReport.text}`;
  return result({ text: hardCut(bare.text, note, maxChars), view: bare.view }, true);
}

/** `renderReportResult`'s text. */
export function renderReport(verdict: Verdict, opts: RenderOptions): string {
  return renderReportResult(verdict, opts).text;
}

/**
 * The three reports of one verdict: the job summary first, so the comment's and the check's notes about a cut send
 * the reader to it only when it holds every row.
 */
export function renderAllReports(
  verdict: Verdict,
  opts: { templates: Record<ReportKind, TemplateSource>; reportId?: string; links?: RenderOptions['links'] },
): Record<ReportKind, string> {
  const base = {
    ...(opts.reportId !== undefined ? { reportId: opts.reportId } : {}),
    ...(opts.links ? { links: opts.links } : {}),
  };
  const summary = renderReportResult(verdict, { ...base, kind: 'summary', template: opts.templates.summary });
  const summaryComplete = !summary.cut;
  return {
    summary: summary.text,
    comment: renderReport(verdict, { ...base, kind: 'comment', template: opts.templates.comment, summaryComplete }),
    check: renderReport(verdict, { ...base, kind: 'check', template: opts.templates.check, summaryComplete }),
  };
}
