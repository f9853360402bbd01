// The sticky PR comment: one per report id, found by a hidden marker among the token's own comments, updated in place.
import type { Verdict } from '../schema/verdict.js';
import { reportMarker } from '../report/marker.js';
import type { GitHubClient, Identity, IssueComment } from './client.js';
import { isReadOnlyTokenError, readOnlyTokenHint } from './errors.js';
import { silentLogger, type Logger } from '../util/log.js';

export const COMMENT_MODES = ['always', 'on-change', 'on-regression', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** GitHub rejects issue comment bodies longer than this many characters (422 "body is too long"). */
export const COMMENT_BODY_LIMIT = 65_536;

// The marker is the report stage's (pure, no I/O): the body it renders and the comment looked up must agree.
export { reportMarker } from '../report/marker.js';

/** The parts of a verdict that decide whether a comment is due. */
export type VerdictGist = Pick<Verdict, 'status' | 'summary'> & Partial<Pick<Verdict, 'incomplete'>>;

export function hasRegression(verdict: VerdictGist): boolean {
  return (
    verdict.status === 'regression' ||
    verdict.status === 'incomplete' ||
    verdict.summary.regressions > 0 ||
    verdict.summary.limits > 0
  );
}

export function hasChange(verdict: VerdictGist): boolean {
  const s = verdict.summary;
  return hasRegression(verdict) || s.improvements + s.new + s.missing > 0;
}

/** Whether `mode` asks for a comment on this verdict when none exists yet (an existing one is always kept fresh). */
export function commentDue(mode: CommentMode, verdict: VerdictGist): boolean {
  switch (mode) {
    case 'always':
      return true;
    case 'on-change':
      return hasChange(verdict);
    case 'on-regression':
      return hasRegression(verdict);
    case 'never':
      return false;
  }
}

const CUT_NOTE = "\n\n… (report cut to fit GitHub's comment size limit; the job summary has the full report)\n\n";

/** The body with the marker, cut to GitHub's limit if the report did not already keep it under. */
export function fitCommentBody(
  body: string,
  marker: string,
  limit = COMMENT_BODY_LIMIT,
): { body: string; cut: boolean } {
  const withMarker = body.includes(marker) ? body : `${body.replace(/\s+$/, '')}\n\n${marker}\n`;
  if (withMarker.length <= limit) return { body: withMarker, cut: false };
  const text = withMarker.replace(marker, '');
  let keep = Math.max(0, limit - marker.length - CUT_NOTE.length - 1);
  // Never split a surrogate pair: half an emoji renders as a replacement character.
  const code = text.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return { body: `${text.slice(0, keep)}${CUT_NOTE}${marker}\n`, cut: true };
}

function stripBot(login: string): string {
  return login.toLowerCase().replace(/\[bot\]$/, '');
}

/**
 * Whether `comment` was written by `identity`. A bot identity matches only Bot accounts, by name
 * without the "[bot]" suffix because GraphQL spells bots without it; a user matches exactly.
 */
export function writtenBy(comment: IssueComment, identity: Identity): boolean {
  const login = comment.userLogin;
  if (!login) return false;
  if (identity.kind === 'bot') return comment.userType === 'Bot' && stripBot(login) === stripBot(identity.login);
  return comment.userType !== 'Bot' && login.toLowerCase() === identity.login.toLowerCase();
}

/** The oldest comment by `identity` carrying `marker`; a user's comment that quotes the marker never matches. */
export function findStickyComment(
  comments: IssueComment[],
  marker: string,
  identity: Identity,
): { comment: IssueComment | undefined; duplicates: number } {
  const mine = comments.filter((c) => c.body.includes(marker) && writtenBy(c, identity));
  return { comment: mine[0], duplicates: Math.max(0, mine.length - 1) };
}

export interface StickyCommentOptions {
  /** The PR (or issue) number. */
  issueNumber: number;
  /** The `report-id` input: one sticky comment per id. */
  reportId: string;
  /** The rendered Markdown; the marker is appended when the report did not include it. */
  body: string;
  mode: CommentMode;
  verdict: VerdictGist;
  /** The comment author to match, when known (e.g. an input); otherwise the token's identity is looked up. */
  author?: string;
  log?: Logger;
}

export interface StickyCommentResult {
  status: 'created' | 'updated' | 'skipped' | 'read-only';
  /** html_url of the comment written or found. */
  url: string | undefined;
  commentId: number | undefined;
  /** One line for the log: what happened and why. */
  message: string;
}

/**
 * Creates or updates the report's sticky comment as `mode` asks. A read-only token (a fork PR)
 * yields status `read-only` and a hint instead of an error; any other API failure is thrown.
 */
export async function postStickyComment(
  client: GitHubClient,
  options: StickyCommentOptions,
): Promise<StickyCommentResult> {
  const log = options.log ?? silentLogger;
  const { mode, verdict } = options;
  if (mode === 'never')
    return {
      status: 'skipped',
      url: undefined,
      commentId: undefined,
      message: 'comment: never, no PR comment written',
    };

  const marker = reportMarker(options.reportId);
  const fitted = fitCommentBody(options.body, marker);
  if (fitted.cut)
    log.warning(
      `The report is longer than GitHub's ${COMMENT_BODY_LIMIT}-character comment limit; the comment was cut (the job summary has it all).`,
    );

  try {
    const identity: Identity = options.author
      ? { login: options.author, kind: options.author.endsWith('[bot]') ? 'bot' : 'user', source: 'given' }
      : await client.whoAmI();
    log.debug?.(`Looking for the comment marked ${marker} written by ${identity.login} (${identity.source}).`);
    const comments = await client.listIssueComments(options.issueNumber);
    const { comment: existing, duplicates } = findStickyComment(comments, marker, identity);
    if (duplicates > 0)
      log.debug?.(`${duplicates} more comment(s) by ${identity.login} carry the marker; updating the oldest.`);

    if (existing) {
      // Even when this verdict would not warrant a new comment, an old one must not keep saying something stale.
      const updated = await client.updateIssueComment(existing.id, fitted.body);
      return {
        status: 'updated',
        url: updated.htmlUrl,
        commentId: updated.id,
        message: `Updated the report comment ${updated.htmlUrl}`,
      };
    }
    if (!commentDue(mode, verdict)) {
      return {
        status: 'skipped',
        url: undefined,
        commentId: undefined,
        message: `comment: ${mode} and the verdict has no ${mode === 'on-regression' ? 'regression' : 'change'}, so no comment was created`,
      };
    }
    const created = await client.createIssueComment(options.issueNumber, fitted.body);
    return {
      status: 'created',
      url: created.htmlUrl,
      commentId: created.id,
      message: `Created the report comment ${created.htmlUrl}`,
    };
  } catch (error) {
    if (isReadOnlyTokenError(error)) {
      return {
        status: 'read-only',
        url: undefined,
        commentId: undefined,
        message: readOnlyTokenHint('pull request comment'),
      };
    }
    throw error;
  }
}
