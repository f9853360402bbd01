// Recognises GitHub API failures the action must survive (read-only tokens, missing things) and says how to fix them.
import { getErrorMessage } from '../schema/errors.js';

/** Where output goes; the action passes @actions/core's functions, tests pass recorders. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warning: () => {} };

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
    '`permissions: { pull-requests: write, checks: write, actions: read }` that runs llm-bench with `mode: report` ' +
    '(see examples/ in the llm-bench repository). ' +
    'Otherwise grant the job `permissions: { pull-requests: write, checks: write }`.'
  );
}
