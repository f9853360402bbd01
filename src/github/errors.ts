// Recognises GitHub API failures the action must survive (read-only tokens, missing things) and says how to fix them.
import { getErrorMessage } from '../util/errors.js';

/** The HTTP status of an octokit RequestError (or anything carrying `status`), else undefined. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's own `message` from the response body when there is one, else the error's message. */
export function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const message = (data as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : getErrorMessage(error);
}

const READ_ONLY_MESSAGE = 'Resource not accessible by integration';

/**
 * True for the 403 GitHub answers when the token lacks write permission — above all the read-only
 * GITHUB_TOKEN of a pull request from a fork — so the action can skip the write instead of failing.
 */
export function isReadOnlyTokenError(error: unknown): boolean {
  if (httpStatus(error) !== 403) return false;
  return githubMessage(error).includes(READ_ONLY_MESSAGE) || getErrorMessage(error).includes(READ_ONLY_MESSAGE);
}

export function isNotFoundError(error: unknown): boolean {
  return httpStatus(error) === 404;
}

/**
 * What to tell the user when a write was refused with a read-only token: where the report went and
 * how to post it from a `workflow_run` workflow, which runs in the base repository with a write token.
 */
export function readOnlyTokenHint(what: string): string {
  return (
    `Skipped the ${what}: the token is read-only (GitHub answered 403 "${READ_ONLY_MESSAGE}"). ` +
    'This is expected on a pull request from a fork, whose GITHUB_TOKEN cannot write. ' +
    'The job summary and the llm-bench-results-<label> artifact still carry the report. ' +
    'To comment on fork pull requests, run llm-bench with `mode: run` in the pull_request workflow and add a second ' +
    'workflow `on: workflow_run: { workflows: [<that workflow>], types: [completed] }` with ' +
    '`permissions: { contents: read, pull-requests: write, checks: write, actions: read }` that runs llm-bench with `mode: report` ' +
    '(see examples/ in the llm-bench repository). ' +
    'Otherwise grant the job `permissions: { pull-requests: write, checks: write }`.'
  );
}

/** The request an octokit RequestError was for: "GET /repos/o/r/contents/bench.yml?ref=main". */
function requestName(error: unknown): string | undefined {
  const request = (error as { request?: { method?: unknown; url?: unknown } } | null)?.request;
  if (!request || typeof request.url !== 'string') return undefined;
  let url = request.url;
  try {
    const parsed = new URL(request.url);
    url = parsed.pathname + parsed.search;
  } catch {
    // keep it as it is
  }
  return `${typeof request.method === 'string' ? request.method : 'GET'} ${url}`;
}

/**
 * A GitHub API failure the step must not survive, in words: what was being done, the request, the status and
 * GitHub's message, and what to do about it (the token permission a 401/403 needs; that a 5xx outlived the retries).
 * `permission` is the `permissions:` entry the request needs, e.g. "contents: read".
 */
export function apiFailure(what: string, error: unknown, permission: string): Error {
  const status = httpStatus(error);
  const request = requestName(error);
  const said = githubMessage(error).replace(/\s+/g, ' ').slice(0, 200);
  const where = request ? ` (${request})` : '';
  // octokit reports a request that got no answer at all (reset, refused, DNS) as status 500 without a response.
  const answered = (error as { response?: unknown } | null)?.response !== undefined;
  let advice: string;
  if (!answered && (status === undefined || status === 500))
    advice = "GitHub could not be reached after 3 retries with backoff; check the runner's network, then rerun the job";
  else if (status === 401) advice = 'the token was refused (revoked or expired?): check the github-token input';
  else if (status === 403 || status === 404)
    advice = `the token may lack permission: grant the job \`permissions: { ${permission} }\``;
  else if (status === 429) advice = 'GitHub kept rate-limiting the request after the retries; rerun the job later';
  else if (status !== undefined && status >= 500)
    advice = 'GitHub kept failing after 3 retries with backoff; rerun the job';
  else advice = 'check the request and the token';
  return new Error(
    `${what} failed${where}: ${answered && status !== undefined ? `HTTP ${status} ` : ''}${said}. ${advice}.`,
  );
}
