// The sticky PR comment against the GitHub peer: pagination, identity, modes, read-only tokens, size limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubPeer, recordingLogger, type GitHubPeer } from './peers/github-server.js';
import { createGitHubClient, type GitHubClient } from '../src/github/client.js';
import {
  COMMENT_BODY_LIMIT,
  commentDue,
  findStickyComment,
  fitCommentBody,
  postStickyComment,
  reportMarker,
  type CommentMode,
  type VerdictGist,
} from '../src/github/comment.js';

const TOKENS = {
  bot: { login: 'github-actions[bot]', kind: 'installation' as const },
  pat: { login: 'octocat', kind: 'user' as const },
  app: { login: 'bench-app[bot]', kind: 'installation' as const },
  nogql: { login: 'github-actions[bot]', kind: 'installation' as const, graphql: false },
  ro: { login: 'github-actions[bot]', kind: 'installation' as const, readOnly: true },
};

function verdict(status: VerdictGist['status'], counts: Partial<VerdictGist['summary']> = {}): VerdictGist {
  return {
    status,
    summary: {
      regressions: 0,
      worse_not_gated: 0,
      improvements: 0,
      unchanged: 3,
      limits: 0,
      new: 0,
      missing: 0,
      geomean: {},
      ...counts,
    },
  };
}

let peer: GitHubPeer;
let nextPr = 100;
const client = (token: keyof typeof TOKENS): GitHubClient =>
  createGitHubClient(
    token,
    { owner: peer.owner, repo: peer.repo },
    { baseUrl: peer.url, retry: { baseMs: 10, pace: false } },
  );
const newPr = (): number => peer.addPullRequest({ number: nextPr++ }).number;

beforeAll(async () => {
  peer = await startGitHubPeer({ tokens: TOKENS });
});
afterAll(async () => {
  await peer.stop();
});

describe('finding the sticky comment', () => {
  it('lists all three pages and updates only its own comment, which sits on page 3', async () => {
    const pr = newPr();
    const marker = reportMarker('llm-bench');
    const mallory = peer.addComment(pr, { login: 'mallory', body: `copied: ${marker}` });
    const otherBot = peer.addComment(pr, { login: 'other-app[bot]', type: 'Bot', body: `mine too ${marker}` });
    for (let i = 0; i < 200; i++)
      peer.addComment(pr, {
        login: i % 2 ? 'alice' : 'github-actions[bot]',
        type: i % 2 ? 'User' : 'Bot',
        body: `chatter ${i}`,
      });
    // Another report id on the same PR must not match either.
    const otherId = peer.addComment(pr, {
      login: 'github-actions[bot]',
      type: 'Bot',
      body: `x\n${reportMarker('llm-bench-gpu')}`,
    });
    const own = peer.addComment(pr, { login: 'github-actions[bot]', type: 'Bot', body: `old report\n${marker}` });
    expect(peer.commentsOn(pr).indexOf(own)).toBeGreaterThanOrEqual(200); // page 3 at 100 per page
    const before = peer.requests.length;

    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'new report',
      mode: 'always',
      verdict: verdict('pass'),
    });

    expect(result.status).toBe('updated');
    expect(result.commentId).toBe(own.id);
    expect(result.url).toContain(`#issuecomment-${own.id}`);
    const calls = peer.requests.slice(before);
    const pages = calls.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${pr}/comments`));
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(pages.every((r) => r.query.per_page === '100')).toBe(true);
    expect(calls.filter((r) => r.method === 'POST' && r.path.includes('/comments'))).toHaveLength(0);
    const patches = calls.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([`/repos/octo/app/issues/comments/${own.id}`]);
    expect(own.body).toBe(`new report\n\n${marker}\n`);
    expect(mallory.body).toBe(`copied: ${marker}`);
    expect(otherBot.body).toBe(`mine too ${marker}`);
    expect(otherId.body).toBe(`x\n${reportMarker('llm-bench-gpu')}`);
  });

  it('creates one comment, then updates that same comment in place', async () => {
    const pr = newPr();
    const user = peer.addComment(pr, { login: 'mallory', body: `please ignore ${reportMarker('llm-bench')}` });
    const first = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'run 1',
      mode: 'always',
      verdict: verdict('pass'),
    });
    const second = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'run 2',
      mode: 'always',
      verdict: verdict('regression', { regressions: 1 }),
    });

    expect(first.status).toBe('created');
    expect(second.status).toBe('updated');
    expect(second.commentId).toBe(first.commentId);
    const mine = peer.commentsOn(pr).filter((c) => c.login === 'github-actions[bot]');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body.startsWith('run 2')).toBe(true);
    expect(mine[0]!.body).toContain(reportMarker('llm-bench'));
    expect(user.body).toBe(`please ignore ${reportMarker('llm-bench')}`);
    expect(
      peer.requests.filter((r) => r.method === 'POST' && r.path === `/repos/octo/app/issues/${pr}/comments`),
    ).toHaveLength(1);
  });

  it('keeps the marker the report already wrote instead of adding a second one', async () => {
    const pr = newPr();
    const body = `${reportMarker('r1')}\n# Report`;
    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'r1',
      body,
      mode: 'always',
      verdict: verdict('pass'),
    });
    expect(result.status).toBe('created');
    expect(peer.commentsOn(pr)[0]!.body).toBe(body);
  });
});

describe('whose comment it is', () => {
  it('a personal access token is the user GET /user names', async () => {
    const pr = newPr();
    const marker = reportMarker('llm-bench');
    const bots = peer.addComment(pr, { login: 'github-actions[bot]', type: 'Bot', body: marker });
    const mine = peer.addComment(pr, { login: 'octocat', body: `old ${marker}` });
    const result = await postStickyComment(client('pat'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'new',
      mode: 'always',
      verdict: verdict('pass'),
    });
    expect(result).toMatchObject({ status: 'updated', commentId: mine.id });
    expect(bots.body).toBe(marker);
  });

  it("an app's installation token is `<app>[bot]`, learned from GraphQL when GET /user answers 403", async () => {
    const pr = newPr();
    const marker = reportMarker('llm-bench');
    const actionsBot = peer.addComment(pr, { login: 'github-actions[bot]', type: 'Bot', body: marker });
    const appComment = peer.addComment(pr, { login: 'bench-app[bot]', type: 'Bot', body: `old ${marker}` });
    const c = client('app');
    const result = await postStickyComment(c, {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'new',
      mode: 'always',
      verdict: verdict('pass'),
    });
    expect(await c.whoAmI()).toEqual({ login: 'bench-app[bot]', kind: 'bot', source: 'graphql' });
    expect(result).toMatchObject({ status: 'updated', commentId: appComment.id });
    expect(actionsBot.body).toBe(marker);
    const userCalls = peer.requests.filter((r) => r.path === '/user' && r.login === 'bench-app[bot]');
    expect(userCalls.map((r) => r.status)).toEqual([403]);
  });

  it('falls back to github-actions[bot] when neither GET /user nor GraphQL says who the token is', async () => {
    const c = client('nogql');
    expect(await c.whoAmI()).toEqual({ login: 'github-actions[bot]', kind: 'bot', source: 'fallback' });
  });

  it('uses a given author without asking', async () => {
    const pr = newPr();
    const target = peer.addComment(pr, { login: 'bench-app[bot]', type: 'Bot', body: reportMarker('x') });
    const before = peer.requests.filter((r) => r.path === '/user').length;
    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'x',
      body: 'b',
      mode: 'always',
      verdict: verdict('pass'),
      author: 'bench-app[bot]',
    });
    expect(result.commentId).toBe(target.id);
    expect(peer.requests.filter((r) => r.path === '/user').length).toBe(before);
  });

  it('matches a bot whose login GraphQL spelled without [bot] only against Bot accounts', () => {
    const comments = [
      { id: 1, body: 'M', htmlUrl: '', userLogin: 'bench-app', userType: 'User', createdAt: '' },
      { id: 2, body: 'M', htmlUrl: '', userLogin: 'bench-app[bot]', userType: 'Bot', createdAt: '' },
      { id: 3, body: 'M', htmlUrl: '', userLogin: 'bench-app[bot]', userType: 'Bot', createdAt: '' },
    ];
    expect(findStickyComment(comments, 'M', { login: 'bench-app', kind: 'bot', source: 'given' })).toEqual({
      comment: comments[1],
      duplicates: 1,
    });
    expect(findStickyComment(comments, 'M', { login: 'bench-app', kind: 'user', source: 'rest' }).comment?.id).toBe(1);
    expect(
      findStickyComment(comments, 'X', { login: 'bench-app[bot]', kind: 'bot', source: 'graphql' }).comment,
    ).toBeUndefined();
  });
});

describe('comment modes', () => {
  const quiet = verdict('pass');
  const improved = verdict('pass', { improvements: 2 });
  const regressed = verdict('regression', { regressions: 1 });
  const limited = verdict('regression', { limits: 1 });
  const fresh = verdict('no-baseline', { new: 3, unchanged: 0 });

  it.each<[CommentMode, string, VerdictGist, boolean]>([
    ['always', 'quiet', quiet, true],
    ['always', 'regressed', regressed, true],
    ['never', 'regressed', regressed, false],
    ['on-change', 'quiet', quiet, false],
    ['on-change', 'improved', improved, true],
    ['on-change', 'regressed', regressed, true],
    ['on-change', 'no-baseline', fresh, true],
    ['on-regression', 'quiet', quiet, false],
    ['on-regression', 'improved', improved, false],
    ['on-regression', 'regressed', regressed, true],
    ['on-regression', 'over a limit', limited, true],
  ])('commentDue(%s) on a %s verdict → %s', (mode, _name, v, due) => {
    expect(commentDue(mode, v)).toBe(due);
  });

  it.each<[CommentMode, string, VerdictGist, boolean, 'created' | 'updated' | 'skipped']>([
    ['always', 'quiet', quiet, false, 'created'],
    ['never', 'regressed', regressed, false, 'skipped'],
    ['never', 'regressed', regressed, true, 'skipped'],
    ['on-change', 'quiet', quiet, false, 'skipped'],
    ['on-change', 'quiet', quiet, true, 'updated'],
    ['on-change', 'improved', improved, false, 'created'],
    ['on-regression', 'improved', improved, false, 'skipped'],
    ['on-regression', 'quiet', quiet, true, 'updated'],
    ['on-regression', 'regressed', regressed, false, 'created'],
  ])('mode %s, %s verdict, existing comment %s → %s', async (mode, _name, v, existing, expected) => {
    const pr = newPr();
    const old = existing
      ? peer.addComment(pr, { login: 'github-actions[bot]', type: 'Bot', body: `stale ${reportMarker('llm-bench')}` })
      : undefined;
    const before = peer.requests.length;
    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'fresh',
      mode,
      verdict: v,
    });
    expect(result.status).toBe(expected);
    const mine = peer.commentsOn(pr).filter((c) => c.login === 'github-actions[bot]');
    if (expected === 'skipped') {
      expect(mine).toHaveLength(existing ? 1 : 0);
      if (old) expect(old.body).toContain('stale');
      expect(result.url).toBeUndefined();
    } else {
      expect(mine).toHaveLength(1);
      expect(mine[0]!.body.startsWith('fresh')).toBe(true);
      expect(result.url).toBe(`https://github.com/octo/app/pull/${pr}#issuecomment-${mine[0]!.id}`);
    }
    if (mode === 'never') expect(peer.requests.length).toBe(before);
  });
});

describe('read-only tokens and limits', () => {
  it('a fork PR token gets status read-only and a workflow_run hint, not an error', async () => {
    const pr = newPr();
    const result = await postStickyComment(client('ro'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body: 'x',
      mode: 'always',
      verdict: verdict('pass'),
    });
    expect(result.status).toBe('read-only');
    expect(result.message).toContain('workflow_run');
    expect(result.message).toContain('Resource not accessible by integration');
    expect(peer.commentsOn(pr)).toHaveLength(0);
    const post = peer.requests.filter((r) => r.method === 'POST' && r.path === `/repos/octo/app/issues/${pr}/comments`);
    expect(post.map((r) => r.status)).toEqual([403]);
  });

  it('other API failures are thrown, not swallowed', async () => {
    await expect(
      postStickyComment(client('bot'), {
        issueNumber: 99999,
        reportId: 'llm-bench',
        body: 'x',
        mode: 'always',
        verdict: verdict('pass'),
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('cuts a body over 65,536 characters, keeps the marker and warns; GitHub accepts it', async () => {
    const pr = newPr();
    const log = recordingLogger();
    const body = `${'| row | 1 |\n'.repeat(6000)}`; // 78,000 characters
    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'llm-bench',
      body,
      mode: 'always',
      verdict: verdict('pass'),
      log,
    });
    expect(result.status).toBe('created');
    const stored = peer.commentsOn(pr)[0]!.body;
    expect(stored.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(stored.trimEnd().endsWith(reportMarker('llm-bench'))).toBe(true);
    expect(stored).toContain('cut to fit');
    expect(log.lines.warning.join('\n')).toContain('65536');
  });

  it('fitCommentBody never splits a surrogate pair', () => {
    const marker = reportMarker('a');
    const body = '😀'.repeat(40_000);
    const { body: out, cut } = fitCommentBody(body, marker);
    expect(cut).toBe(true);
    expect(out.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it("uses the report stage's marker, so ids with any characters stay inside the HTML comment", async () => {
    const pr = newPr();
    const result = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'gpu --> <b>x</b>',
      body: 'r',
      mode: 'always',
      verdict: verdict('pass'),
    });
    const body = peer.commentsOn(pr)[0]!.body;
    expect(body).toBe(`r\n\n${reportMarker('gpu --> <b>x</b>')}\n`);
    expect(body.match(/-->/g)).toHaveLength(1);
    const again = await postStickyComment(client('bot'), {
      issueNumber: pr,
      reportId: 'gpu --> <b>x</b>',
      body: 'r2',
      mode: 'always',
      verdict: verdict('pass'),
    });
    expect(again).toMatchObject({ status: 'updated', commentId: result.commentId });
  });
});
