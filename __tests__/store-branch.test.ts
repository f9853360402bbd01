// The `branch` baseline store against the GitHub peer's git data API: orphan creation, append, prune, races, bad data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubPeer, makeResults, recordingLogger, type GitHubPeer } from './peers/github-server.js';
import { createGitHubClient } from '../src/github/client.js';
import { BranchBaselineStore, compactTimestamp, isSafeBranchName, resultsFileName } from '../src/store/branch.js';
import { labelSlug } from '../src/util/label.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { InputError } from '../src/util/errors.js';

let peer: GitHubPeer;
let branchNo = 0;
const client = (token = 'bot') =>
  createGitHubClient(token, { owner: 'octo', repo: 'app' }, { baseUrl: peer.url, retry: { baseMs: 10, pace: false } });
const noSleep = async () => {};
const results = (label: string, minute: number, sha = `${minute}`.padStart(2, '0').repeat(20)): Results =>
  parseResults(
    makeResults(label, { startedAt: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`, sha }),
    'fixture',
  );
const store = (branch: string, extra: Partial<ConstructorParameters<typeof BranchBaselineStore>[0]> = {}) =>
  new BranchBaselineStore({
    client: client(),
    branch,
    sleep: noSleep,
    now: () => new Date('2026-11-22T12:00:00Z'),
    ...extra,
  });
const freshBranch = () => `llm-bench-data-${branchNo++}`;

beforeAll(async () => {
  peer = await startGitHubPeer({
    tokens: {
      bot: { login: 'github-actions[bot]', kind: 'installation' },
      ro: { login: 'github-actions[bot]', kind: 'installation', readOnly: true },
    },
  });
});
afterAll(async () => {
  await peer.stop();
});

describe('branch store', () => {
  it('the first save creates the data branch as an orphan holding the label directory and its index', async () => {
    const branch = freshBranch();
    const s = store(branch);
    const log = recordingLogger();
    expect(await new BranchBaselineStore({ client: client(), branch, log }).load('gpu')).toEqual([]);
    expect(log.lines.info[0]).toContain(`No baseline branch ${branch} yet`);

    const r = results('gpu', 1);
    await s.save('gpu', r);

    const files = peer.filesAt(branch)!;
    const name = resultsFileName(r);
    expect(name).toBe('results-20261122T100100Z-010101010101.json');
    expect(Object.keys(files).sort()).toEqual(['README.md', 'gpu/index.json', `gpu/${name}`]);
    expect(JSON.parse(files['gpu/index.json']!)).toEqual({
      schema: 'llm-bench/baseline-index@1',
      label: 'gpu',
      entries: [
        {
          file: name,
          sha: r.git!.sha,
          ref: 'refs/heads/main',
          started_at: r.started_at,
          saved_at: '2026-11-22T12:00:00.000Z',
        },
      ],
    });
    const history = peer.history(branch);
    expect(history).toHaveLength(1);
    expect(history[0]!.parents).toEqual([]); // orphan: not based on main
    expect(await s.load('gpu')).toEqual([r]);
  });

  it('appends one commit per save and keeps the newest N per label, newest first', async () => {
    const branch = freshBranch();
    const s = store(branch, { keep: 3 });
    const saved = [1, 2, 3, 4, 5].map((m) => results('gpu', m));
    for (const r of saved) await s.save('gpu', r);
    await s.save('pi', results('pi', 9));

    const loaded = await s.load('gpu');
    expect(loaded.map((r) => r.started_at)).toEqual([saved[4]!.started_at, saved[3]!.started_at, saved[2]!.started_at]);
    const gpuFiles = Object.keys(peer.filesAt(branch)!).filter((p) => p.startsWith('gpu/results-'));
    expect(gpuFiles.sort()).toEqual(
      saved
        .slice(2)
        .map((r) => `gpu/${resultsFileName(r)}`)
        .sort(),
    );
    expect((await s.load('pi')).map((r) => r.runner.label)).toEqual(['pi']);
    // Append-only: every save is a fast-forward commit on top of the last one.
    const history = peer.history(branch);
    expect(history).toHaveLength(6);
    for (let i = 0; i < history.length - 1; i++) expect(history[i]!.parents).toEqual([history[i + 1]!.sha]);
    const updates = peer.requestsTo('PATCH', new RegExp(`/git/refs/heads/${branch}$`));
    expect(updates).toHaveLength(5); // the first save created the branch
    expect(updates.every((r) => (r.body as { force: boolean }).force === false && r.status === 200)).toBe(true);
    // Pruning only trims the tip: the oldest result is still in the first commit.
    expect(history.at(-1)!.message).toContain('baseline for gpu');
  });

  it('loadLimit returns only the newest few', async () => {
    const branch = freshBranch();
    for (const m of [1, 2, 3]) await store(branch).save('gpu', results('gpu', m));
    expect((await store(branch, { loadLimit: 1 }).load('gpu')).map((r) => r.started_at)).toEqual([
      '2026-11-22T10:03:00.000Z',
    ]);
  });

  it('when another job moves the branch between read and update, it re-reads and rebuilds on the new tip', async () => {
    const branch = freshBranch();
    await store(branch).save('gpu', results('gpu', 1));
    const sleeps: number[] = [];
    const mine = store(branch, { sleep: async (ms) => void sleeps.push(ms) });
    let raced = false;
    peer.beforeUpdateRef = async () => {
      peer.beforeUpdateRef = undefined;
      raced = true;
      // A matrix job on another runner saves its own baseline first, through the same API.
      await store(branch).save('pi', results('pi', 5));
    };

    await mine.save('gpu', results('gpu', 2));

    expect(raced).toBe(true);
    const updates = peer.requestsTo('PATCH', new RegExp(`/git/refs/heads/${branch}$`)).map((r) => r.status);
    // Recorded on arrival: ours (refused, the racer moved the ref while it waited), the racer's, our retry.
    expect(updates).toEqual([422, 200, 200]);
    expect(sleeps).toHaveLength(1);
    const files = Object.keys(peer.filesAt(branch)!);
    expect(files.filter((p) => p.includes('/results-')).sort()).toEqual([
      `gpu/${resultsFileName(results('gpu', 1))}`,
      `gpu/${resultsFileName(results('gpu', 2))}`,
      `pi/${resultsFileName(results('pi', 5))}`,
    ]);
    expect(peer.history(branch)).toHaveLength(3);
  });

  it('two jobs creating the missing branch at once: the loser retries on top of the winner', async () => {
    const branch = freshBranch();
    let raced = false;
    // The race on creation happens at POST /git/refs: the other job creates the branch just before ours.
    const c = client();
    const realCreate = c.createBranch.bind(c);
    c.createBranch = async (name: string, sha: string) => {
      if (!raced) {
        raced = true;
        await store(branch).save('pi', results('pi', 1));
      }
      return realCreate(name, sha);
    };
    await store(branch, { client: c }).save('gpu', results('gpu', 1));
    const creates = peer
      .requestsTo('POST', /\/git\/refs$/)
      .filter((r) => (r.body as { ref: string }).ref === `refs/heads/${branch}`);
    expect(creates.map((r) => r.status)).toEqual([201, 422]);
    expect(
      Object.keys(peer.filesAt(branch)!)
        .filter((p) => p.endsWith('index.json'))
        .sort(),
    ).toEqual(['gpu/index.json', 'pi/index.json']);
  });

  it('gives up with a clear error when the branch keeps moving', async () => {
    const branch = freshBranch();
    await store(branch).save('gpu', results('gpu', 1));
    let n = 0;
    peer.beforeUpdateRef = () => {
      peer.commitFiles(branch, { [`noise-${n++}.txt`]: 'x' });
    };
    try {
      await expect(store(branch, { maxAttempts: 3 }).save('gpu', results('gpu', 2))).rejects.toThrow(
        `other jobs moved it on each of 3 attempts`,
      );
    } finally {
      peer.beforeUpdateRef = undefined;
    }
    expect(n).toBe(3);
  });

  it('a read-only token warns instead of failing', async () => {
    const log = recordingLogger();
    const s = new BranchBaselineStore({ client: client('ro'), branch: freshBranch(), log, sleep: noSleep });
    await s.save('gpu', results('gpu', 1));
    expect(log.lines.warning[0]).toContain('contents: write');
  });

  it('labels are sanitised into one directory each, never a path outside it', async () => {
    const branch = freshBranch();
    await store(branch).save('../../etc', results('../../etc', 1));
    await store(branch).save('gpu/4080', results('gpu/4080', 1));
    await store(branch).save('gpu-4080', results('gpu-4080', 1));
    const dirs = [
      ...new Set(
        Object.keys(peer.filesAt(branch)!)
          .filter((p) => p.includes('/'))
          .map((p) => p.split('/')[0]),
      ),
    ].sort();
    expect(dirs).toEqual([labelSlug('../../etc'), 'gpu-4080', labelSlug('gpu/4080')].sort());
    expect(dirs.every((d) => !d!.startsWith('.') && !d!.includes('..'))).toBe(true);
    expect((await store(branch).load('gpu/4080'))[0]!.runner.label).toBe('gpu/4080');
    expect((await store(branch).load('gpu-4080'))[0]!.runner.label).toBe('gpu-4080');
  });

  it('a corrupt index is an InputError on load, and save rebuilds it from the files with a warning', async () => {
    const branch = freshBranch();
    await store(branch).save('gpu', results('gpu', 1));
    peer.commitFiles(branch, { 'gpu/index.json': '{"entries": 3' });
    const error = await store(branch)
      .load('gpu')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      new RegExp(`^branch ${branch}: gpu/index.json: the baseline index is not valid JSON`),
    );

    const log = recordingLogger();
    await store(branch, { log }).save('gpu', results('gpu', 2));
    expect(log.lines.warning[0]).toContain('rebuilding the index');
    expect((await store(branch).load('gpu')).map((r) => r.started_at)).toEqual([
      '2026-11-22T10:02:00.000Z',
      '2026-11-22T10:01:00.000Z',
    ]);
  });

  it('an invalid results file on the branch is an InputError naming it', async () => {
    const branch = freshBranch();
    const r = results('gpu', 1);
    await store(branch).save('gpu', r);
    peer.commitFiles(branch, { [`gpu/${resultsFileName(r)}`]: JSON.stringify({ schema: 'llm-bench/results@0' }) });
    await expect(store(branch).load('gpu')).rejects.toThrow(
      `branch ${branch}: gpu/${resultsFileName(r)}: schema: expected schema "llm-bench/results@1"`,
    );
  });

  it('an index entry whose file is gone is skipped with a warning', async () => {
    const branch = freshBranch();
    const r1 = results('gpu', 1);
    await store(branch).save('gpu', r1);
    await store(branch).save('gpu', results('gpu', 2));
    peer.commitFiles(branch, { [`gpu/${resultsFileName(r1)}`]: null });
    const log = recordingLogger();
    expect((await store(branch, { log }).load('gpu')).map((r) => r.started_at)).toEqual(['2026-11-22T10:02:00.000Z']);
    expect(log.lines.warning[0]).toContain('has no such file');
  });

  it('validates the branch name and formats timestamps for paths', () => {
    expect(() => store('../x')).toThrow(/'baseline-branch' must be a valid branch name/);
    expect(isSafeBranchName('llm-bench-data')).toBe(true);
    expect(isSafeBranchName('data/llm.lock')).toBe(false);
    expect(isSafeBranchName('a//b')).toBe(false);
    expect(compactTimestamp('2026-01-02T03:04:05.678Z')).toBe('20260102T030405Z');
  });
});
