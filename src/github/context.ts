// Turns the Actions environment and event payload into one plain, typed object, so no logic reads `github.context`.
import { readFileSync } from 'node:fs';
import { InputError, getErrorMessage } from '../util/errors.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestInfo {
  number: number;
  /** The PR's head commit: checks belong here, not on the merge commit GITHUB_SHA. */
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  /** `owner/name` of the repository the head branch lives in. */
  headRepoFullName: string | undefined;
  /** A PR from another repository: its GITHUB_TOKEN is read-only and secrets are absent. */
  isFork: boolean;
}

/** The run that triggered a `workflow_run` event (the fork-safe reporting workflow). */
export interface WorkflowRunInfo {
  id: number;
  name: string | undefined;
  event: string | undefined;
  conclusion: string | undefined;
  headSha: string | undefined;
  headBranch: string | undefined;
  headRepoFullName: string | undefined;
  /** Empty for a PR from a fork (a GitHub limitation): find it by head branch, or from the results' git ref. */
  pullRequestNumbers: number[];
}

export interface ActionContext {
  eventName: string;
  repo: RepoRef;
  /** GITHUB_SHA: on a pull_request event this is the merge commit, not the PR head. */
  sha: string;
  ref: string;
  /** The commit a check run should be attached to: the PR head, the triggering run's head, else GITHUB_SHA. */
  headSha: string;
  runId: number;
  runAttempt: number;
  /** GITHUB_WORKFLOW_REF, e.g. `octo/app/.github/workflows/bench.yml@refs/heads/main`. */
  workflowRef: string | undefined;
  /** The workflow file name (`bench.yml`), which the REST API accepts as a workflow id. */
  workflowFile: string | undefined;
  /** GITHUB_BASE_REF / GITHUB_HEAD_REF: only set for pull_request and pull_request_target events. */
  baseRef: string | undefined;
  headRef: string | undefined;
  defaultBranch: string | undefined;
  /** A push to the default branch: when `save-baseline: auto` stores a baseline. */
  isDefaultBranchPush: boolean;
  pullRequest: PullRequestInfo | undefined;
  workflowRun: WorkflowRunInfo | undefined;
  apiUrl: string;
  serverUrl: string;
  /** Link to this workflow run, for check runs and reports. */
  runUrl: string;
  /** GITHUB_STEP_SUMMARY: the file the job summary is appended to. */
  stepSummaryPath: string | undefined;
  payload: Record<string, unknown>;
}

type Env = Readonly<Record<string, string | undefined>>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function readPayload(path: string | undefined, readFile: (path: string) => string): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    // GitHub always writes the file; outside Actions a missing one just means "no event".
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read the event payload: ${getErrorMessage(error)}`, { file: path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the event payload is not valid JSON: ${getErrorMessage(error)}`, { file: path });
  }
  const payload = obj(data);
  if (!payload) throw new InputError('expected the event payload to be a JSON object', { file: path });
  return payload;
}

function parseRepo(env: Env, payload: Record<string, unknown>): RepoRef {
  const full = str(env.GITHUB_REPOSITORY) ?? str(obj(payload.repository)?.full_name);
  const match = full?.match(/^([^/\s]+)\/([^/\s]+)$/);
  if (!match) {
    throw new InputError(
      full === undefined
        ? 'GITHUB_REPOSITORY is not set: run inside GitHub Actions or set GITHUB_REPOSITORY=owner/repo'
        : `GITHUB_REPOSITORY must look like owner/repo, got ${JSON.stringify(full)}`,
    );
  }
  return { owner: match[1]!, repo: match[2]! };
}

function parsePullRequest(payload: Record<string, unknown>, repo: RepoRef): PullRequestInfo | undefined {
  const pr = obj(payload.pull_request);
  const number = num(pr?.number) ?? num(payload.number);
  if (!pr || number === undefined) return undefined;
  const head = obj(pr.head);
  const base = obj(pr.base);
  const headRepoFullName = str(obj(head?.repo)?.full_name);
  const baseRepoFullName = str(obj(base?.repo)?.full_name) ?? `${repo.owner}/${repo.repo}`;
  return {
    number,
    headSha: str(head?.sha) ?? '',
    headRef: str(head?.ref) ?? '',
    baseSha: str(base?.sha) ?? '',
    baseRef: str(base?.ref) ?? '',
    headRepoFullName,
    // A deleted head repository reads as a fork too: either way the token is not the base repository's.
    isFork:
      headRepoFullName === undefined
        ? obj(head)?.repo === null
        : headRepoFullName.toLowerCase() !== baseRepoFullName.toLowerCase(),
  };
}

function parseWorkflowRun(payload: Record<string, unknown>): WorkflowRunInfo | undefined {
  const run = obj(payload.workflow_run);
  const id = num(run?.id);
  if (!run || id === undefined) return undefined;
  const prs = Array.isArray(run.pull_requests) ? run.pull_requests : [];
  return {
    id,
    name: str(run.name),
    event: str(run.event),
    conclusion: str(run.conclusion),
    headSha: str(run.head_sha),
    headBranch: str(run.head_branch),
    headRepoFullName: str(obj(run.head_repository)?.full_name),
    pullRequestNumbers: prs.map((p) => num(obj(p)?.number)).filter((n): n is number => n !== undefined),
  };
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Reads the Actions environment (pass `process.env`) and the event payload at GITHUB_EVENT_PATH.
 * Throws an InputError when GITHUB_REPOSITORY is missing or the payload file is not JSON.
 */
export function readActionContext(
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ActionContext {
  const payload = readPayload(str(env.GITHUB_EVENT_PATH), readFile);
  const repo = parseRepo(env, payload);
  const eventName = str(env.GITHUB_EVENT_NAME) ?? '';
  const sha = str(env.GITHUB_SHA) ?? str(payload.after) ?? '';
  const ref = str(env.GITHUB_REF) ?? str(payload.ref) ?? '';
  const pullRequest = parsePullRequest(payload, repo);
  const workflowRun = parseWorkflowRun(payload);
  const defaultBranch = str(obj(payload.repository)?.default_branch);
  const workflowRef = str(env.GITHUB_WORKFLOW_REF);
  const workflowPath = workflowRef?.match(/^[^/]+\/[^/]+\/(.+?)@/)?.[1];
  const apiUrl = (str(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, '');
  const serverUrl = (str(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  const runId = positiveInt(env.GITHUB_RUN_ID, 0);
  return {
    eventName,
    repo,
    sha,
    ref,
    headSha: (pullRequest?.headSha || undefined) ?? workflowRun?.headSha ?? sha,
    runId,
    runAttempt: positiveInt(env.GITHUB_RUN_ATTEMPT, 1),
    workflowRef,
    workflowFile: workflowPath?.split('/').pop(),
    baseRef: str(env.GITHUB_BASE_REF) ?? (pullRequest?.baseRef || undefined),
    headRef: str(env.GITHUB_HEAD_REF) ?? (pullRequest?.headRef || undefined),
    defaultBranch,
    isDefaultBranchPush: eventName === 'push' && defaultBranch !== undefined && ref === `refs/heads/${defaultBranch}`,
    pullRequest,
    workflowRun,
    apiUrl,
    serverUrl,
    runUrl: `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`,
    stepSummaryPath: str(env.GITHUB_STEP_SUMMARY),
    payload,
  };
}

/** The PR number in a `refs/pull/<n>/merge` or `refs/pull/<n>/head` ref (what a PR run records as git.ref). */
export function pullNumberFromRef(ref: string | undefined): number | undefined {
  const match = ref?.match(/^refs\/pull\/(\d+)\/(?:merge|head)$/);
  return match ? Number(match[1]) : undefined;
}
