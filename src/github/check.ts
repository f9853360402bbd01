// The check run that carries the verdict on the PR's head commit, so a regression can block the merge.
import type { CheckConclusion, GitHubClient } from './client.js';
import type { VerdictGist } from './comment.js';
import { isReadOnlyTokenError, readOnlyTokenHint } from './errors.js';
import { silentLogger, type Logger } from '../util/log.js';

/** GitHub's limit on a check run's `output.summary` and `output.text`, in characters. */
export const CHECK_TEXT_LIMIT = 65_535;

/**
 * failure on a regression, success on a pass, neutral when there was nothing to compare with. An incomplete run
 * (not everything judged) is `cancelled` when it was cancelled and `failure` otherwise: never success.
 * With `failOnRegression: false` a regression is reported as neutral, and with `failOnIncomplete: false` an
 * incomplete run, so the check does not block a merge the user asked not to block.
 */
export function checkConclusion(
  status: VerdictGist['status'],
  options: { failOnRegression?: boolean; failOnIncomplete?: boolean; cancelled?: boolean } = {},
): CheckConclusion {
  switch (status) {
    case 'regression':
      return options.failOnRegression === false ? 'neutral' : 'failure';
    case 'incomplete':
      if (options.cancelled) return 'cancelled';
      return options.failOnIncomplete === false ? 'neutral' : 'failure';
    case 'pass':
      return 'success';
    case 'no-baseline':
      return 'neutral';
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One line for the check's title: the verdict in words, counted as every other report counts (compare/gate.ts). */
export function checkTitle(verdict: VerdictGist): string {
  const s = verdict.summary;
  const parts: string[] = [];
  if (verdict.incomplete) parts.push(`Incomplete, not fully judged: ${verdict.incomplete.reasons[0]}`);
  if (
    verdict.status === 'no-baseline' ||
    (verdict.status === 'incomplete' && s.regressions + s.limits + s.improvements + s.unchanged === 0)
  ) {
    return parts.length ? parts.join('; ') : 'No baseline to compare with yet';
  }
  if (s.regressions > 0) parts.push(plural(s.regressions, 'regression'));
  if (s.limits > 0) parts.push(plural(s.limits, 'limit exceeded', 'limits exceeded'));
  if (s.regressions + s.limits === 0) parts.push(verdict.incomplete ? 'no regressions in what ran' : 'No regressions');
  if (s.improvements > 0) parts.push(plural(s.improvements, 'improvement'));
  if (s.worse_not_gated > 0) parts.push(`${s.worse_not_gated} worse but not gated`);
  if (s.new > 0) parts.push(`${s.new} new`);
  if (s.missing > 0) parts.push(`${s.missing} missing`);
  return parts.join(', ');
}

const CUT_NOTE = "\n\n… (cut to fit GitHub's check run size limit; the job summary has the full report)";

/** Cuts text to GitHub's check output limit, saying so at the end. */
export function fitCheckText(text: string, limit = CHECK_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  let keep = limit - CUT_NOTE.length;
  const code = text.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return text.slice(0, keep) + CUT_NOTE;
}

export interface CheckRunOptions {
  /** The `check-name` input. */
  name: string;
  /** The PR head sha (ActionContext.headSha), never the merge commit. */
  headSha: string;
  verdict: VerdictGist;
  /** Markdown for the check's summary: the report. */
  summary: string;
  /** Optional longer detail below the summary. */
  text?: string;
  /** Link from the check to the workflow run. */
  detailsUrl?: string;
  failOnRegression?: boolean;
  failOnIncomplete?: boolean;
  log?: Logger;
}

export interface CheckRunResult {
  status: 'created' | 'read-only';
  conclusion: CheckConclusion;
  url: string | undefined;
  checkRunId: number | undefined;
  message: string;
}

/**
 * Creates a completed check run for the verdict. A read-only token yields status `read-only` and a
 * hint instead of an error; any other API failure is thrown.
 */
export async function publishCheckRun(client: GitHubClient, options: CheckRunOptions): Promise<CheckRunResult> {
  const log = options.log ?? silentLogger;
  const conclusion = checkConclusion(options.verdict.status, {
    failOnRegression: options.failOnRegression,
    failOnIncomplete: options.failOnIncomplete,
    cancelled: options.verdict.incomplete?.cancelled,
  });
  const summary = fitCheckText(options.summary);
  if (summary.length < options.summary.length)
    log.warning(`The check run summary was cut to GitHub's ${CHECK_TEXT_LIMIT}-character limit.`);
  try {
    const run = await client.createCheckRun({
      name: options.name,
      headSha: options.headSha,
      conclusion,
      output: {
        title: checkTitle(options.verdict),
        summary,
        ...(options.text ? { text: fitCheckText(options.text) } : {}),
      },
      ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
    });
    return {
      status: 'created',
      conclusion,
      url: run.htmlUrl,
      checkRunId: run.id,
      message: `Check run "${options.name}" concluded ${conclusion}`,
    };
  } catch (error) {
    if (isReadOnlyTokenError(error)) {
      return {
        status: 'read-only',
        conclusion,
        url: undefined,
        checkRunId: undefined,
        message: readOnlyTokenHint(`"${options.name}" check run`),
      };
    }
    throw error;
  }
}
