// The Actions environment and event payloads turned into ActionContext, for each event llm-bench runs on.
import { describe, expect, it } from 'vitest';
import { pullNumberFromRef, readActionContext } from '../src/github/context.js';
import { InputError } from '../src/util/errors.js';

const BASE_ENV = {
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_API_URL: 'http://127.0.0.1:9999/',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/bench.yml@refs/pull/7/merge',
  GITHUB_STEP_SUMMARY: '/tmp/summary.md',
  GITHUB_EVENT_PATH: '/event.json',
};

const files =
  (payload: unknown) =>
  (path: string): string => {
    if (path !== '/event.json') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return typeof payload === 'string' ? payload : JSON.stringify(payload);
  };

const repository = { full_name: 'octo/app', default_branch: 'trunk', name: 'app', owner: { login: 'octo' } };

describe('readActionContext', () => {
  it('a pull_request event: the head sha for checks, base and head refs, same-repo PR', () => {
    const payload = {
      number: 7,
      repository,
      pull_request: {
        number: 7,
        head: { sha: 'h'.repeat(40), ref: 'feature', repo: { full_name: 'octo/app' } },
        base: { sha: 'b'.repeat(40), ref: 'trunk', repo: { full_name: 'octo/app' } },
      },
    };
    const env = {
      ...BASE_ENV,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: 'm'.repeat(40),
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_BASE_REF: 'trunk',
      GITHUB_HEAD_REF: 'feature',
    };
    const ctx = readActionContext(env, files(payload));
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      repo: { owner: 'octo', repo: 'app' },
      sha: 'm'.repeat(40),
      headSha: 'h'.repeat(40),
      ref: 'refs/pull/7/merge',
      runId: 4242,
      runAttempt: 2,
      workflowFile: 'bench.yml',
      baseRef: 'trunk',
      headRef: 'feature',
      defaultBranch: 'trunk',
      isDefaultBranchPush: false,
      apiUrl: 'http://127.0.0.1:9999',
      runUrl: 'https://github.com/octo/app/actions/runs/4242',
      stepSummaryPath: '/tmp/summary.md',
    });
    expect(ctx.pullRequest).toEqual({
      number: 7,
      headSha: 'h'.repeat(40),
      headRef: 'feature',
      baseSha: 'b'.repeat(40),
      baseRef: 'trunk',
      headRepoFullName: 'octo/app',
      isFork: false,
    });
  });

  it('a PR from a fork is marked as one', () => {
    const payload = {
      repository,
      pull_request: {
        number: 8,
        head: { sha: 'h'.repeat(40), ref: 'patch-1', repo: { full_name: 'mallory/app' } },
        base: { sha: 'b'.repeat(40), ref: 'trunk', repo: { full_name: 'octo/app' } },
      },
    };
    const ctx = readActionContext({ ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request' }, files(payload));
    expect(ctx.pullRequest?.isFork).toBe(true);
  });

  it('a push to the default branch is where baselines are saved; other pushes are not', () => {
    const push = (ref: string) =>
      readActionContext(
        { ...BASE_ENV, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: 's'.repeat(40), GITHUB_REF: ref },
        files({ repository, after: 's'.repeat(40) }),
      );
    expect(push('refs/heads/trunk')).toMatchObject({
      isDefaultBranchPush: true,
      headSha: 's'.repeat(40),
      pullRequest: undefined,
    });
    expect(push('refs/heads/feature').isDefaultBranchPush).toBe(false);
  });

  it('a workflow_run event carries the triggering run (its PR list is empty for forks)', () => {
    const payload = {
      repository,
      workflow_run: {
        id: 99,
        name: 'bench',
        event: 'pull_request',
        conclusion: 'success',
        head_sha: 'f'.repeat(40),
        head_branch: 'patch-1',
        head_repository: { full_name: 'mallory/app' },
        pull_requests: [],
      },
    };
    const ctx = readActionContext(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'workflow_run', GITHUB_SHA: 'd'.repeat(40) },
      files(payload),
    );
    expect(ctx.workflowRun).toEqual({
      id: 99,
      name: 'bench',
      event: 'pull_request',
      conclusion: 'success',
      headSha: 'f'.repeat(40),
      headBranch: 'patch-1',
      headRepoFullName: 'mallory/app',
      pullRequestNumbers: [],
    });
    expect(ctx.headSha).toBe('f'.repeat(40));
  });

  it('works without an event file, and defaults what Actions always sets', () => {
    const ctx = readActionContext({ GITHUB_REPOSITORY: 'octo/app' }, files({}));
    expect(ctx).toMatchObject({
      eventName: '',
      runAttempt: 1,
      apiUrl: 'https://api.github.com',
      payload: {},
      pullRequest: undefined,
      defaultBranch: undefined,
    });
  });

  it('a payload that is not JSON is an InputError naming the file', () => {
    expect(() => readActionContext({ ...BASE_ENV }, files('{not json'))).toThrow(InputError);
    expect(() => readActionContext({ ...BASE_ENV }, files('{not json'))).toThrow(
      /^\/event\.json: the event payload is not valid JSON/,
    );
  });

  it('GITHUB_REPOSITORY must be owner/repo', () => {
    expect(() => readActionContext({ GITHUB_REPOSITORY: 'nope' }, files({}))).toThrow(
      /GITHUB_REPOSITORY must look like owner\/repo, got "nope"/,
    );
    expect(() => readActionContext({}, files({}))).toThrow(/GITHUB_REPOSITORY is not set/);
  });

  it('finds the PR number in a PR ref', () => {
    expect(pullNumberFromRef('refs/pull/12/merge')).toBe(12);
    expect(pullNumberFromRef('refs/pull/12/head')).toBe(12);
    expect(pullNumberFromRef('refs/heads/pull/12/merge')).toBeUndefined();
    expect(pullNumberFromRef(undefined)).toBeUndefined();
  });
});
