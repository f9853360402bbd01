// Publishes a verdict: renders the three reports, writes the report file and job summary, the check run and the sticky comment.
import { writeFileAtomic } from '../io/files.js';
import { templatesDir } from '../util/paths.js';
import { loadTemplate, loadTemplateFile } from '../io/templates.js';
import { renderAllReports, reportTitle } from '../report/render.js';
import type { Verdict } from '../schema/verdict.js';
import { getErrorMessage } from '../util/errors.js';
import {
  postStickyComment,
  publishCheckRun,
  writeJobSummary,
  type ActionContext,
  type GitHubClient,
  type Logger,
} from '../github/index.js';
import type { CommentMode } from '../github/comment.js';
import { gatedFailures } from './verdicts.js';

export interface PublishOptions {
  verdict: Verdict;
  context: ActionContext;
  /** Undefined without a token: only the report file and the summary are written. */
  client: GitHubClient | undefined;
  /** The pull request to comment on, when there is one. */
  pullNumber: number | undefined;
  /** The commit the check belongs to: the PR head, never the merge commit. */
  headSha: string;
  checkName: string;
  reportId: string;
  comment: CommentMode;
  failOnRegression: boolean;
  failOnIncomplete: boolean;
  /** A comment template file replacing the built-in one. */
  template: string | undefined;
  /** Where the comment's Markdown is written (the `report-path` output). */
  reportPath: string;
  log: Logger;
}

export interface PublishResult {
  reportPath: string;
  commentUrl: string | undefined;
  regressions: number;
  /** Whether a write was refused because the token is read-only (a fork PR). */
  readOnly: boolean;
  summaryWritten: boolean;
}

/** The three renderings of a verdict: comment (maybe a user template), job summary and check text. */
export async function renderReports(
  verdict: Verdict,
  opts: { template?: string; reportId: string; runUrl?: string },
): Promise<{ comment: string; summary: string; check: string }> {
  const dir = templatesDir();
  const links = { ...(opts.runUrl ? { run: opts.runUrl, results: `${opts.runUrl}#artifacts` } : {}) };
  const commentTemplate = opts.template ? await loadTemplateFile(opts.template) : await loadTemplate('comment', dir);
  // The summary first: the comment's and the check's cut notes name it only when it holds the whole report.
  const templates = {
    comment: commentTemplate,
    summary: await loadTemplate('summary', dir),
    check: await loadTemplate('check', dir),
  };
  return renderAllReports(verdict, { templates, reportId: opts.reportId, links });
}

/**
 * Everything a reader sees. The report file and the summary come first, so a GitHub failure afterwards
 * still leaves them; a read-only token is reported once with the hint, other API failures are warnings.
 */
export async function publishVerdict(opts: PublishOptions): Promise<PublishResult> {
  const { verdict, context, client, log } = opts;
  const reports = await renderReports(verdict, {
    template: opts.template,
    reportId: opts.reportId,
    runUrl: context.runId ? context.runUrl : undefined,
  });
  await writeFileAtomic(opts.reportPath, reports.comment);
  log.info(`Wrote the report to ${opts.reportPath}: ${reportTitle(verdict)}`);
  const summary = await writeJobSummary(reports.summary, context.stepSummaryPath, log);
  log.info(summary.message);

  let readOnly = false;
  let hinted = false;
  const refused = (message: string): void => {
    readOnly = true;
    // The hint is the same for the check and the comment: say it once, loudly.
    if (!hinted) log.warning(message);
    else log.info(`${message.split('. ')[0]!}.`);
    hinted = true;
  };

  let commentUrl: string | undefined;
  if (!client) {
    log.warning(
      "No 'github-token': the check run and the pull request comment were skipped; the job summary has the report.",
    );
  } else {
    try {
      const check = await publishCheckRun(client, {
        name: opts.checkName,
        headSha: opts.headSha,
        verdict,
        summary: reports.check,
        ...(context.runId ? { detailsUrl: context.runUrl } : {}),
        failOnRegression: opts.failOnRegression,
        failOnIncomplete: opts.failOnIncomplete,
        log,
      });
      if (check.status === 'read-only') refused(check.message);
      else log.info(`${check.message}${check.url ? `: ${check.url}` : ''}`);
    } catch (error) {
      log.warning(`Could not create the "${opts.checkName}" check run on ${opts.headSha}: ${getErrorMessage(error)}`);
    }
    if (opts.pullNumber === undefined) {
      log.info(`No pull request for this ${context.eventName || 'run'}: no comment written.`);
    } else {
      try {
        const comment = await postStickyComment(client, {
          issueNumber: opts.pullNumber,
          reportId: opts.reportId,
          body: reports.comment,
          mode: opts.comment,
          verdict,
          log,
        });
        if (comment.status === 'read-only') refused(comment.message);
        else log.info(comment.message);
        commentUrl = comment.url;
      } catch (error) {
        log.warning(
          `Could not write the report comment on pull request #${opts.pullNumber}: ${getErrorMessage(error)}`,
        );
      }
    }
  }
  return {
    reportPath: opts.reportPath,
    commentUrl,
    regressions: gatedFailures(verdict),
    readOnly,
    summaryWritten: summary.written,
  };
}
