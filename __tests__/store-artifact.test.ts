// The `artifact` baseline store through the GitHub peer: the latest successful default-branch push run's results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubPeer, makeResults, recordingLogger, type GitHubPeer } from './peers/github-server.js';
import { createGitHubClient } from '../src/github/client.js';
import { ArtifactBaselineStore } from '../src/store/artifact.js';
import { resultsArtifactName } from '../src/github/artifacts.js';

let peer: GitHubPeer;
const client = () =>
  createGitHubClient('bot', { owner: 'octo', repo: 'app' }, { baseUrl: peer.url, retry: { baseMs: 10, pace: false } });
const json = (label: string, minute: number) =>
  `${JSON.stringify(makeResults(label, { startedAt: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z` }))}\n`;
const artifact = (label: string, minute: number, extra: { expired?: boolean } = {}) => ({
  name: resultsArtifactName(label),
  files: { 'llm-bench-results.json': json(label, minute) },
  ...extra,
});

let current: number;

beforeAll(async () => {
  peer = await startGitHubPeer({ tokens: { bot: { login: 'github-actions[bot]', kind: 'installation' } } });
  // Oldest first; the peer lists newest first.
  peer.addRun({ artifacts: [artifact('gpu', 1), artifact('pi', 1)] });
  peer.addRun({ artifacts: [artifact('gpu', 2)] });
  peer.addRun({ artifacts: [artifact('gpu', 3), artifact('pi', 3)], conclusion: 'failure' }); // failed: not a baseline
  peer.addRun({ headBranch: 'feature', artifacts: [artifact('gpu', 4)] }); // not the default branch
  peer.addRun({ event: 'pull_request', artifacts: [artifact('gpu', 5)] }); // not a push
  peer.addRun({ workflowPath: '.github/workflows/other.yml', artifacts: [artifact('gpu', 6)] }); // another workflow
  peer.addRun({ artifacts: [artifact('pi', 7, { expired: true })] }); // expired
  peer.addRun({
    artifacts: [{ name: resultsArtifactName('mac'), files: { 'llm-bench-results.json': json('mac', 0) } }],
  });
  peer.addRun({
    artifacts: [
      { name: resultsArtifactName('mac'), files: { 'llm-bench-results.json': '{"schema":"llm-bench/results@1"}' } },
    ],
  }); // newer, but invalid
  current = peer.addRun({ artifacts: [artifact('gpu', 9)] }).id; // this very run, on a push to main
});
afterAll(async () => {
  await peer.stop();
});

const store = (extra: { maxBaselines?: number; workflow?: string; log?: ReturnType<typeof recordingLogger> } = {}) =>
  new ArtifactBaselineStore({
    client: client(),
    defaultBranch: 'main',
    workflow: extra.workflow ?? 'bench.yml',
    currentRunId: current,
    ...extra,
  });

describe('artifact store', () => {
  it("takes the newest successful push run on the default branch of this workflow that has the label's artifact", async () => {
    const loaded = await store().load('gpu');
    expect(loaded.map((r) => [r.runner.label, r.started_at])).toEqual([['gpu', '2026-11-22T10:02:00.000Z']]);
    const query = peer.requests.find((r) => r.path === '/repos/octo/app/actions/workflows/bench.yml/runs')!.query;
    expect(query).toMatchObject({ branch: 'main', status: 'success', event: 'push' });
  });

  it('skips expired artifacts and returns history when asked', async () => {
    expect((await store({ maxBaselines: 3 }).load('pi')).map((r) => r.started_at)).toEqual([
      '2026-11-22T10:01:00.000Z',
    ]);
    expect((await store({ maxBaselines: 2 }).load('gpu')).map((r) => r.started_at)).toEqual([
      '2026-11-22T10:02:00.000Z',
      '2026-11-22T10:01:00.000Z',
    ]);
  });

  it('an unreadable artifact fails naming it: an older run is never silently used instead', async () => {
    await expect(store().load('mac')).rejects.toThrow(
      /^could not read the baseline artifact llm-bench-results-mac of run \d+ \(.*\): artifact llm-bench-results-mac: llm-bench-results\.json: /,
    );
  });

  it('no run with the artifact: no baseline and a message', async () => {
    const log = recordingLogger();
    expect(await store({ log }).load('jetson')).toEqual([]);
    expect(log.lines.info.at(-1)).toContain(
      'No successful push run of bench.yml on main has an artifact llm-bench-results-jetson',
    );
  });

  it('an unknown workflow file is an API error the caller sees', async () => {
    await expect(store({ workflow: 'missing.yml' }).load('gpu')).rejects.toMatchObject({ status: 404 });
  });

  it('save does nothing: the run’s own uploaded artifact is the baseline', async () => {
    const before = peer.requests.length;
    await store().save('gpu');
    expect(peer.requests.length).toBe(before);
  });
});
