// The verdict's check run against the GitHub peer: conclusion per status, head sha, title, limits, read-only tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubPeer, recordingLogger, type GitHubPeer } from './peers/github-server.js';
import { createGitHubClient } from '../src/github/client.js';
import { CHECK_TEXT_LIMIT, checkConclusion, checkTitle, publishCheckRun } from '../src/github/check.js';
import type { VerdictGist } from '../src/github/comment.js';

const TOKENS = {
  bot: { login: 'github-actions[bot]', kind: 'installation' as const },
  ro: { login: 'github-actions[bot]', kind: 'installation' as const, readOnly: true },
};
const HEAD = 'ab'.repeat(20);
const MERGE = 'cd'.repeat(20);

function verdict(status: VerdictGist['status'], counts: Partial<VerdictGist['summary']> = {}): VerdictGist {
  return {
    status,
    summary: {
      regressions: 0,
      worse_not_gated: 0,
      improvements: 0,
      unchanged: 2,
      limits: 0,
      new: 0,
      missing: 0,
      geomean: {},
      ...counts,
    },
  };
}

let peer: GitHubPeer;
const client = (token: keyof typeof TOKENS) =>
  createGitHubClient(token, { owner: 'octo', repo: 'app' }, { baseUrl: peer.url, retry: { baseMs: 10, pace: false } });

beforeAll(async () => {
  peer = await startGitHubPeer({ tokens: TOKENS });
});
afterAll(async () => {
  await peer.stop();
});

describe('check conclusion', () => {
  it.each<[VerdictGist['status'], boolean, string]>([
    ['regression', true, 'failure'],
    ['regression', false, 'neutral'],
    ['pass', true, 'success'],
    ['pass', false, 'success'],
    ['no-baseline', true, 'neutral'],
  ])('%s with failOnRegression=%s → %s', (status, failOnRegression, expected) => {
    expect(checkConclusion(status, { failOnRegression })).toBe(expected);
  });

  it('titles say what happened', () => {
    expect(checkTitle(verdict('regression', { regressions: 2, improvements: 1 }))).toBe('2 regressions, 1 improvement');
    expect(checkTitle(verdict('regression', { limits: 1 }))).toBe('1 limit exceeded');
    expect(checkTitle(verdict('pass'))).toBe('No regressions');
    expect(checkTitle(verdict('pass', { new: 2, missing: 1 }))).toBe('No regressions, 2 new, 1 missing');
    expect(checkTitle(verdict('no-baseline', { new: 3 }))).toBe('No baseline to compare with yet');
  });
});

describe('publishing the check run', () => {
  it.each<[VerdictGist, string]>([
    [verdict('regression', { regressions: 1 }), 'failure'],
    [verdict('pass', { improvements: 1 }), 'success'],
    [verdict('no-baseline', { new: 2 }), 'neutral'],
  ])('creates a completed check on the PR head sha (%#) concluding %s', async (v, conclusion) => {
    const result = await publishCheckRun(client('bot'), {
      name: 'llm-bench',
      headSha: HEAD,
      verdict: v,
      summary: '## Report\nbody',
      detailsUrl: 'https://github.com/octo/app/actions/runs/1',
    });
    expect(result).toMatchObject({ status: 'created', conclusion });
    const stored = peer.checkRuns.find((c) => c.id === result.checkRunId)!;
    expect(stored).toMatchObject({
      name: 'llm-bench',
      head_sha: HEAD,
      status: 'completed',
      conclusion,
      details_url: 'https://github.com/octo/app/actions/runs/1',
    });
    expect(stored.output.summary).toBe('## Report\nbody');
    expect(stored.output.title).toBe(checkTitle(v));
    expect(result.url).toBe(`https://github.com/octo/app/runs/${result.checkRunId}`);
    expect(peer.checkRuns.some((c) => c.head_sha === MERGE)).toBe(false);
  });

  it('cuts a summary over 65,535 characters so GitHub accepts it, and warns', async () => {
    const log = recordingLogger();
    const result = await publishCheckRun(client('bot'), {
      name: 'big',
      headSha: HEAD,
      verdict: verdict('pass'),
      summary: 'x'.repeat(70_000),
      text: 'y'.repeat(70_000),
      log,
    });
    expect(result.status).toBe('created');
    const stored = peer.checkRuns.find((c) => c.id === result.checkRunId)!;
    expect(stored.output.summary!.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(stored.output.text!.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(stored.output.summary).toContain('cut to fit');
    expect(log.lines.warning).toHaveLength(1);
  });

  it('a read-only token is reported, not thrown, and nothing is created', async () => {
    const before = peer.checkRuns.length;
    const result = await publishCheckRun(client('ro'), {
      name: 'llm-bench',
      headSha: HEAD,
      verdict: verdict('regression', { regressions: 1 }),
      summary: 's',
    });
    expect(result.status).toBe('read-only');
    expect(result.conclusion).toBe('failure');
    expect(result.message).toContain('workflow_run');
    expect(peer.checkRuns.length).toBe(before);
    expect(
      peer.requests.filter(
        (r) => r.path === '/repos/octo/app/check-runs' && r.login === 'github-actions[bot]' && r.status === 403,
      ),
    ).toHaveLength(1);
  });

  it('a head sha GitHub does not know is an error the caller sees', async () => {
    await expect(
      publishCheckRun(client('bot'), { name: 'x', headSha: 'not-a-sha', verdict: verdict('pass'), summary: 's' }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
