// Results artifacts: gathering a matrix run's results through the REST peer, and uploading through an injected client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubPeer, buildZip, makeResults, recordingLogger, type GitHubPeer } from './peers/github-server.js';
import { createGitHubClient } from '../src/github/client.js';
import {
  downloadRunResults,
  resultsArtifactName,
  resultsFromArtifactBytes,
  uploadResultsArtifact,
  type ArtifactUploader,
} from '../src/github/artifacts.js';
import { InputError } from '../src/util/errors.js';

let peer: GitHubPeer;
const client = () =>
  createGitHubClient('bot', { owner: 'octo', repo: 'app' }, { baseUrl: peer.url, retry: { baseMs: 10, pace: false } });
const json = (v: unknown) => `${JSON.stringify(v)}\n`;

beforeAll(async () => {
  peer = await startGitHubPeer({ tokens: { bot: { login: 'github-actions[bot]', kind: 'installation' } } });
});
afterAll(async () => {
  await peer.stop();
});

describe('downloadRunResults (mode: report)', () => {
  it('gathers every llm-bench-results-* artifact of the run, skipping others and expired ones', async () => {
    const log = recordingLogger();
    const run = peer.addRun({
      event: 'pull_request',
      headBranch: 'feature',
      artifacts: [
        { name: resultsArtifactName('pi'), files: { 'llm-bench-results.json': json(makeResults('pi')) } },
        {
          name: resultsArtifactName('gpu/4080'),
          files: {
            'llm-bench-results.json': json(makeResults('gpu/4080')),
            'verdict.json': json({ schema: 'llm-bench/verdict@1' }),
          },
        },
        { name: 'coverage', files: { 'lcov.info': 'TN:' } },
        {
          name: resultsArtifactName('mac'),
          files: { 'llm-bench-results.json': json(makeResults('mac')) },
          expired: true,
        },
      ],
    });
    // Enough unrelated artifacts to need a second page of the listing.
    for (let i = 0; i < 120; i++) peer.addArtifact(run.id, { name: `logs-${i}`, files: { 'a.txt': 'a' } });
    peer.addArtifact(run.id, {
      name: resultsArtifactName('cpu'),
      zip: buildZip({ 'llm-bench-results.json': json(makeResults('cpu')) }, { deflate: false }),
    });

    const found = await downloadRunResults(client(), run.id, log);

    expect(found.map((f) => [f.artifactName, f.results.runner.label]).sort()).toEqual([
      ['llm-bench-results-cpu', 'cpu'],
      [resultsArtifactName('gpu/4080'), 'gpu/4080'],
      ['llm-bench-results-pi', 'pi'],
    ]);
    expect(resultsArtifactName('gpu/4080')).toMatch(/^llm-bench-results-gpu-4080-[0-9a-f]{8}$/);
    expect(log.lines.warning.join('\n')).toContain('llm-bench-results-mac');
    const listing = peer.requests.filter((r) => r.path === `/repos/octo/app/actions/runs/${run.id}/artifacts`);
    expect(listing.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    // The archive itself comes from the blob URL GitHub redirects to, and the token is not sent there.
    const blobs = peer.requests.filter((r) => r.path.startsWith('/_blob/'));
    expect(blobs).toHaveLength(3);
    expect(blobs.every((r) => !r.authorized)).toBe(true);
    expect(
      peer.requests.filter((r) => /\/actions\/artifacts\/\d+\/zip$/.test(r.path)).every((r) => r.status === 302),
    ).toBe(true);
  });

  it('a results file that fails validation is an InputError naming the artifact and the entry', async () => {
    const bad = makeResults('pi');
    delete (bad as Record<string, unknown>).runner;
    const run = peer.addRun({
      artifacts: [{ name: 'llm-bench-results-pi', files: { 'llm-bench-results.json': json(bad) } }],
    });
    const error = await downloadRunResults(client(), run.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^artifact llm-bench-results-pi: llm-bench-results\.json: runner: expected object/,
    );
  });

  it('an artifact uploaded without a zip (raw JSON) is read too', () => {
    const found = resultsFromArtifactBytes(Buffer.from(json(makeResults('pi'))), 'llm-bench-results-pi');
    expect(found.map((f) => f.results.runner.label)).toEqual(['pi']);
  });
});

describe('uploadResultsArtifact (mode: run)', () => {
  it('uploads llm-bench-results-<label> with the given files', async () => {
    const calls: unknown[][] = [];
    const uploader: ArtifactUploader = {
      uploadArtifact: async (...args) => {
        calls.push(args);
        return { id: 77, size: 10 };
      },
    };
    const result = await uploadResultsArtifact(uploader, {
      label: 'gpu-4080',
      files: ['/w/llm-bench-results.json'],
      rootDirectory: '/w',
      retentionDays: 5,
    });
    expect(result).toEqual({
      status: 'uploaded',
      name: 'llm-bench-results-gpu-4080',
      artifactId: 77,
      message: 'Uploaded the results as artifact llm-bench-results-gpu-4080',
    });
    expect(calls).toEqual([['llm-bench-results-gpu-4080', ['/w/llm-bench-results.json'], '/w', { retentionDays: 5 }]]);
  });

  it('a second artifact of one name in the run (two jobs, one label) is a conflict, not a warning', async () => {
    const log = recordingLogger();
    const uploader: ArtifactUploader = {
      uploadArtifact: async () => {
        // What @actions/artifact throws when the name is taken in this workflow run.
        throw new Error(
          'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
        );
      },
    };
    const result = await uploadResultsArtifact(uploader, {
      label: 'linux-x64',
      files: ['a.json'],
      rootDirectory: '.',
      log,
    });
    expect(result.status).toBe('conflict');
    expect(result.message).toMatch(
      /^Could not upload the results artifact llm-bench-results-linux-x64: .*already exists/,
    );
    expect(log.lines.warning).toEqual([]);
  });

  it('a failed upload warns and never throws', async () => {
    const log = recordingLogger();
    const uploader: ArtifactUploader = {
      uploadArtifact: async () => {
        throw new Error('Unable to get the ACTIONS_RUNTIME_TOKEN env variable');
      },
    };
    const result = await uploadResultsArtifact(uploader, { label: 'pi', files: ['a.json'], rootDirectory: '.', log });
    expect(result.status).toBe('failed');
    expect(log.lines.warning).toEqual([
      'Could not upload the results artifact llm-bench-results-pi: Unable to get the ACTIONS_RUNTIME_TOKEN env variable',
    ]);
  });
});
