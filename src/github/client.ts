// The one class that talks to GitHub's REST API: every call the action makes goes through here.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { RepoRef } from './context.js';
import { httpStatus, isNotFoundError } from './errors.js';

export type Octokit = ReturnType<typeof getOctokit>;

/** The account a token acts as: the author of the comments it writes. */
export interface Identity {
  login: string;
  kind: 'user' | 'bot';
  /** How it was learned: GET /user (a PAT), GraphQL `viewer` (an installation token), or the GITHUB_TOKEN default. */
  source: 'given' | 'rest' | 'graphql' | 'fallback';
}

/** GITHUB_TOKEN's author; also the last resort when an installation token cannot tell who it is. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface IssueComment {
  id: number;
  body: string;
  htmlUrl: string;
  userLogin: string | undefined;
  userType: string | undefined;
  createdAt: string;
}

export interface FileAtRef {
  path: string;
  /** Blob sha, as the contents API reports it. */
  sha: string;
  content: Buffer;
}

/** One change to a tree on top of a base tree: a blob at `path`, or `sha: null` to delete it. */
export interface TreeChange {
  path: string;
  sha: string | null;
}

export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required';

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRun {
  id: number;
  htmlUrl: string | undefined;
}

export interface WorkflowRun {
  id: number;
  headSha: string;
  headBranch: string | undefined;
  event: string;
  conclusion: string | undefined;
  createdAt: string;
  htmlUrl: string;
}

export interface Artifact {
  id: number;
  name: string;
  sizeBytes: number;
  expired: boolean;
  createdAt: string | undefined;
  workflowRunId: number | undefined;
}

export interface GitHubClientOptions {
  /** Fetches the artifact blob GitHub redirects to, without the token (default: global fetch). */
  fetchBlob?: (url: string) => Promise<Response>;
}

/**
 * `{+path}` keeps the slashes of a path (and of `heads/<branch>`) literal, as GitHub's docs write
 * them; octokit's `{path}` sends `%2F`, which GitHub accepts but a stricter server may not.
 */
const CONTENTS_ROUTE = 'GET /repos/{owner}/{repo}/contents/{+path}';

const toBuffer = (data: unknown): Buffer => {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'binary');
  throw new Error(`unexpected response body of type ${typeof data}`);
};

export class GitHubClient {
  private identity: Promise<Identity> | undefined;

  constructor(
    readonly octokit: Octokit,
    readonly repo: RepoRef,
    private readonly options: GitHubClientOptions = {},
  ) {}

  // ---- identity ---------------------------------------------------------------------------------

  /**
   * Who the token writes as. GET /user answers for a PAT; an installation token (GITHUB_TOKEN or a
   * GitHub App's) gets 403 "Resource not accessible by integration" there, so ask GraphQL's `viewer`,
   * which answers `<app>[bot]` for those; if that fails too, assume GITHUB_TOKEN's `github-actions[bot]`.
   * Cached: one lookup per client.
   */
  whoAmI(): Promise<Identity> {
    this.identity ??= this.lookupIdentity();
    return this.identity;
  }

  private async lookupIdentity(): Promise<Identity> {
    try {
      const { data } = await this.octokit.rest.users.getAuthenticated();
      return { login: data.login, kind: data.type === 'Bot' ? 'bot' : 'user', source: 'rest' };
    } catch (error) {
      const status = httpStatus(error);
      if (status !== 403 && status !== 404) throw error;
    }
    try {
      const data = await this.octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }');
      const login = data.viewer?.login;
      if (typeof login === 'string' && login) {
        // REST shows bots as `<slug>[bot]`; normalise in case GraphQL leaves the suffix off.
        return { login: login.endsWith('[bot]') ? login : `${login}[bot]`, kind: 'bot', source: 'graphql' };
      }
    } catch {
      // Fall through: the GITHUB_TOKEN default is right far more often than not.
    }
    return { login: ACTIONS_BOT_LOGIN, kind: 'bot', source: 'fallback' };
  }

  // ---- issue comments ---------------------------------------------------------------------------

  /** Every comment on an issue or PR, oldest first, following the Link header through every page. */
  async listIssueComments(issueNumber: number): Promise<IssueComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    return comments.map(toComment);
  }

  async createIssueComment(issueNumber: number, body: string): Promise<IssueComment> {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body });
    return toComment(data);
  }

  async updateIssueComment(commentId: number, body: string): Promise<IssueComment> {
    const { data } = await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: commentId, body });
    return toComment(data);
  }

  /** The open PR whose head is `owner:branch` (how a workflow_run for a fork PR finds its PR). */
  async findOpenPullRequest(headOwner: string, headBranch: string): Promise<number | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      head: `${headOwner}:${headBranch}`,
      state: 'open',
      per_page: 10,
    });
    return data[0]?.number;
  }

  // ---- check runs -------------------------------------------------------------------------------

  async createCheckRun(run: {
    name: string;
    headSha: string;
    conclusion: CheckConclusion;
    output: CheckRunOutput;
    detailsUrl?: string;
    externalId?: string;
    completedAt?: string;
  }): Promise<CheckRun> {
    const { data } = await this.octokit.rest.checks.create({
      ...this.repo,
      name: run.name,
      head_sha: run.headSha,
      status: 'completed',
      conclusion: run.conclusion,
      completed_at: run.completedAt ?? new Date().toISOString(),
      output: run.output,
      ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
      ...(run.externalId ? { external_id: run.externalId } : {}),
    });
    return { id: data.id, htmlUrl: data.html_url ?? undefined };
  }

  async updateCheckRun(
    checkRunId: number,
    update: { conclusion: CheckConclusion; output: CheckRunOutput; completedAt?: string },
  ): Promise<CheckRun> {
    const { data } = await this.octokit.rest.checks.update({
      ...this.repo,
      check_run_id: checkRunId,
      status: 'completed',
      conclusion: update.conclusion,
      completed_at: update.completedAt ?? new Date().toISOString(),
      output: update.output,
    });
    return { id: data.id, htmlUrl: data.html_url ?? undefined };
  }

  // ---- contents ---------------------------------------------------------------------------------

  /**
   * A file's bytes at a branch, tag or sha through the contents API; null when the file (or the ref)
   * does not exist. Files over 1 MB come back without content there, so they are read as git blobs.
   */
  async getFileAtRef(path: string, ref: string): Promise<FileAtRef | null> {
    let data: unknown;
    try {
      ({ data } = await this.octokit.request(CONTENTS_ROUTE, { ...this.repo, path: path.replace(/^\/+/, ''), ref }));
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
    if (Array.isArray(data)) throw new Error(`${path} at ${ref} is a directory, expected a file`);
    const entry = data as {
      type?: string;
      sha?: string;
      path?: string;
      content?: string;
      encoding?: string;
      size?: number;
    };
    if (entry.type !== 'file') throw new Error(`${path} at ${ref} is a ${entry.type ?? 'non-file'}, expected a file`);
    const sha = entry.sha ?? '';
    if (
      entry.encoding === 'base64' &&
      typeof entry.content === 'string' &&
      (entry.content !== '' || entry.size === 0)
    ) {
      return { path: entry.path ?? path, sha, content: Buffer.from(entry.content, 'base64') };
    }
    return { path: entry.path ?? path, sha, content: await this.getBlob(sha) };
  }

  /** The same as getFileAtRef, decoded as UTF-8 text. */
  async readFileAtRef(path: string, ref: string): Promise<string | null> {
    const file = await this.getFileAtRef(path, ref);
    return file ? file.content.toString('utf8') : null;
  }

  /** Names of the files directly inside a directory at a ref (the contents API lists up to 1,000); null when absent. */
  async listDirectoryAtRef(path: string, ref: string): Promise<string[] | null> {
    let data: unknown;
    try {
      ({ data } = await this.octokit.request(CONTENTS_ROUTE, {
        ...this.repo,
        path: path.replace(/^\/+|\/+$/g, ''),
        ref,
      }));
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
    if (!Array.isArray(data)) return null;
    return (data as Array<{ type?: string; name?: string }>)
      .filter((e) => e.type === 'file' && typeof e.name === 'string')
      .map((e) => e.name!);
  }

  // ---- git data ---------------------------------------------------------------------------------

  /** The commit a branch points at, or null when the branch does not exist. */
  async getBranchHead(branch: string): Promise<string | null> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{+ref}', {
        ...this.repo,
        ref: `heads/${branch}`,
      });
      return (data as { object: { sha: string } }).object.sha;
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
  }

  async getCommitTree(commitSha: string): Promise<string> {
    const { data } = await this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: commitSha });
    return data.tree.sha;
  }

  async getBlob(blobSha: string): Promise<Buffer> {
    const { data } = await this.octokit.rest.git.getBlob({ ...this.repo, file_sha: blobSha });
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
  }

  async createBlob(content: string | Buffer): Promise<string> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const { data } = await this.octokit.rest.git.createBlob({
      ...this.repo,
      content: bytes.toString('base64'),
      encoding: 'base64',
    });
    return data.sha;
  }

  /** A tree: `baseTree` with `changes` applied (no base: a tree of only the changes). */
  async createTree(baseTree: string | undefined, changes: TreeChange[]): Promise<string> {
    const { data } = await this.octokit.rest.git.createTree({
      ...this.repo,
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: changes.map((c) => ({ path: c.path, mode: '100644' as const, type: 'blob' as const, sha: c.sha })),
    });
    return data.sha;
  }

  async createCommit(message: string, tree: string, parents: string[]): Promise<string> {
    const { data } = await this.octokit.rest.git.createCommit({ ...this.repo, message, tree, parents });
    return data.sha;
  }

  /** Moves a branch; without `force` GitHub answers 422 "Update is not a fast forward" when it moved meanwhile. */
  async updateBranch(branch: string, sha: string, force = false): Promise<void> {
    await this.octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{+ref}', {
      ...this.repo,
      ref: `heads/${branch}`,
      sha,
      force,
    });
  }

  /** Creates a branch; GitHub answers 422 "Reference already exists" when another job was first. */
  async createBranch(branch: string, sha: string): Promise<void> {
    await this.octokit.rest.git.createRef({ ...this.repo, ref: `refs/heads/${branch}`, sha });
  }

  // ---- actions runs and artifacts ---------------------------------------------------------------

  /**
   * Successful runs, newest first: of one workflow (its file name or id) when given, else of the
   * whole repository.
   */
  async listSuccessfulRuns(query: {
    workflow?: string | number;
    branch?: string;
    event?: string;
    perPage?: number;
  }): Promise<WorkflowRun[]> {
    const params = {
      ...this.repo,
      status: 'success' as const,
      per_page: query.perPage ?? 20,
      ...(query.branch ? { branch: query.branch } : {}),
      ...(query.event ? { event: query.event } : {}),
    };
    const { data } =
      query.workflow !== undefined
        ? await this.octokit.rest.actions.listWorkflowRuns({ ...params, workflow_id: query.workflow })
        : await this.octokit.rest.actions.listWorkflowRunsForRepo(params);
    return data.workflow_runs.map((r) => ({
      id: r.id,
      headSha: r.head_sha,
      headBranch: r.head_branch ?? undefined,
      event: r.event,
      conclusion: r.conclusion ?? undefined,
      createdAt: r.created_at,
      htmlUrl: r.html_url,
    }));
  }

  /** Every artifact of a run (all pages), optionally only those named exactly `name`. */
  async listRunArtifacts(runId: number, name?: string): Promise<Artifact[]> {
    const artifacts = await this.octokit.paginate(this.octokit.rest.actions.listWorkflowRunArtifacts, {
      ...this.repo,
      run_id: runId,
      per_page: 100,
      ...(name ? { name } : {}),
    });
    return artifacts.map((a) => ({
      id: a.id,
      name: a.name,
      sizeBytes: a.size_in_bytes,
      expired: a.expired,
      createdAt: a.created_at ?? undefined,
      workflowRunId: a.workflow_run?.id ?? undefined,
    }));
  }

  /**
   * An artifact's zip archive. GitHub answers 302 to a short-lived blob URL; that URL is fetched
   * without the Authorization header so the token never leaves GitHub.
   */
  async downloadArtifactZip(artifactId: number): Promise<Buffer> {
    const response = await this.octokit.rest.actions.downloadArtifact({
      ...this.repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    const status = response.status as number;
    if (status === 200) return toBuffer(response.data);
    const location = (response.headers as Record<string, unknown>).location;
    if (status < 300 || status >= 400 || typeof location !== 'string') {
      throw new Error(`downloading artifact ${artifactId}: expected a redirect to the archive, got HTTP ${status}`);
    }
    const fetchBlob = this.options.fetchBlob ?? ((url: string) => fetch(url));
    const blob = await fetchBlob(new URL(location, response.url).toString());
    if (!blob.ok) throw new Error(`downloading artifact ${artifactId}: the archive store answered HTTP ${blob.status}`);
    return Buffer.from(await blob.arrayBuffer());
  }
}

function toComment(data: {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string; type?: string } | null;
  created_at: string;
}): IssueComment {
  return {
    id: data.id,
    body: data.body ?? '',
    htmlUrl: data.html_url,
    userLogin: data.user?.login ?? undefined,
    userType: data.user?.type ?? undefined,
    createdAt: data.created_at,
  };
}

/**
 * A client for `repo` authenticated by `token`. `baseUrl` is GITHUB_API_URL (GitHub Enterprise
 * Server or a test peer); @actions/github's own default reads the environment at import time.
 */
export interface RetryOptions {
  /** Retries of a request that failed with a 5xx, a reset connection or a rate limit (default 3). */
  retries?: number;
  /** Backoff unit: the n-th retry waits n² × this (default 1,000 ms, as @octokit/plugin-retry). */
  baseMs?: number;
  /**
   * Space writes 1 s and notifying writes 3 s apart, as GitHub's best practices ask (the throttling plugin's
   * default); rate limits are honoured either way. Default true; tests against a local peer turn it off.
   */
  pace?: boolean;
  log?: (message: string) => void;
}

/**
 * An octokit with GitHub's maintained retry and throttling plugins: 5xx answers and dropped connections are retried
 * with quadratic backoff (1 s, 4 s, 9 s), primary and secondary rate limits wait as GitHub's `retry-after` says
 * (up to `retries` times), and 400/401/403/404/422 fail at once so a revoked or read-only token is never retried.
 */
export function createGitHubClient(
  token: string,
  repo: RepoRef,
  options: GitHubClientOptions & { baseUrl?: string; retry?: RetryOptions } = {},
): GitHubClient {
  const { baseUrl, retry: retryOptions = {}, ...rest } = options;
  const retries = retryOptions.retries ?? 3;
  const baseMs = retryOptions.baseMs ?? 1000;
  const log = retryOptions.log ?? (() => {});
  // The plugin types the handler as returning void; it retries when the handler returns true.
  const onLimit =
    (what: string) =>
    (after: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): void => {
      if (retryCount >= retries) return undefined;
      log(
        `GitHub ${what} on ${request.method} ${request.url}: retrying in ${after} s (retry ${retryCount + 1} of ${retries})`,
      );
      // biome-ignore lint/suspicious/noConfusingVoidType: the plugin reads a true return as "retry" though its type says void
      return true as unknown as void;
    };
  const octokit = getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
      retry: { retries, retryAfterBaseValue: baseMs },
      throttle: {
        // The plugin's option type omits its spacing groups, which it reads when given.
        ...((retryOptions.pace === false ? { write: noPacing(), notifications: noPacing() } : {}) as object),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        // Waits scale with the backoff unit, so tests against a local peer do not sleep for real minutes.
        fallbackSecondaryRateRetryAfter: Math.max(1, Math.round((60 * baseMs) / 1000)),
      },
    },
    retry,
    throttling,
  );
  return new GitHubClient(octokit, repo, rest);
}

/** A stand-in for the throttling plugin's write/notification spacing groups that runs each job at once. */
function noPacing(): { key: () => { schedule: (options: unknown, job: () => Promise<unknown>) => Promise<unknown> } } {
  return { key: () => ({ schedule: (_options, job) => job() }) };
}
