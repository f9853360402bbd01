// The GitHub client's reading side against the peer: files at a ref, the base branch's config, zips, the job summary, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubPeer, buildZip, makeResults, type GitHubPeer } from './peers/github-server.js';
import { resultsFromArtifactBytes } from '../src/github/artifacts.js';
import { createGitHubClient } from '../src/github/client.js';
import { readConfigAtRef } from '../src/github/base-config.js';
import { isReadOnlyTokenError, isNotFoundError } from '../src/github/errors.js';
import { fitSummary, writeJobSummary } from '../src/github/summary.js';
import { InputError } from '../src/util/errors.js';

let peer: GitHubPeer;
let baseSha: string;
const client = (token = 'bot') =>
  createGitHubClient(token, { owner: 'octo', repo: 'app' }, { baseUrl: peer.url, retry: { baseMs: 10, pace: false } });

const BASE_CONFIG = `engine: ollama
models: [gemma3:1b]
prompts:
  - { id: banter, file: prompts/banter.txt, max_tokens: 32 }
  - { id: inline, text: "Say hi." }
`;

beforeAll(async () => {
  peer = await startGitHubPeer({
    tokens: {
      bot: { login: 'github-actions[bot]', kind: 'installation' },
      ro: { login: 'github-actions[bot]', kind: 'installation', readOnly: true },
    },
    files: {
      'bench/bench.yml': BASE_CONFIG,
      'bench/prompts/banter.txt': 'Craft a witty remark après the finish 🏁.',
      'bench/bad.yml': 'engine: [oops',
      'bench/missing-prompt.yml': 'engine: ollama\nmodels: [m]\nprompts:\n  - { id: p, file: nowhere.txt }\n',
      'big.bin': Buffer.alloc(1024 * 1024 + 10, 7),
      'empty.txt': '',
    },
  });
  baseSha = peer.refs.get('refs/heads/main')!;
  // The PR branch changes the config; the base branch keeps the old one.
  peer.commitFiles('feature', {}, 'branch');
  peer.commitFiles('feature', { 'bench/bench.yml': 'engine: ollama\nmodels: [gemma3:4b]\n' }, 'pr change');
});
afterAll(async () => {
  await peer.stop();
});

describe('readFileAtRef', () => {
  it('decodes the base64 content of a file at a branch and at a sha', async () => {
    expect(await client().readFileAtRef('bench/prompts/banter.txt', 'main')).toBe(
      'Craft a witty remark après the finish 🏁.',
    );
    expect(await client().readFileAtRef('bench/bench.yml', baseSha)).toBe(BASE_CONFIG);
    expect(await client().readFileAtRef('bench/bench.yml', 'feature')).toContain('gemma3:4b');
    expect(await client().readFileAtRef('empty.txt', 'main')).toBe('');
  });

  it('is null for a missing file or a missing ref', async () => {
    expect(await client().readFileAtRef('nope.yml', 'main')).toBeNull();
    expect(await client().readFileAtRef('bench/bench.yml', 'no-such-branch')).toBeNull();
  });

  it('reads a file over 1 MB, which the contents API returns without content, as a git blob', async () => {
    const file = await client().getFileAtRef('big.bin', 'main');
    expect(file?.content.length).toBe(1024 * 1024 + 10);
    expect(file?.content.every((b) => b === 7)).toBe(true);
    expect(peer.requests.some((r) => r.path.startsWith('/repos/octo/app/git/blobs/'))).toBe(true);
  });

  it('refuses a directory', async () => {
    await expect(client().readFileAtRef('bench', 'main')).rejects.toThrow(/is a directory/);
  });
});

describe('readConfigAtRef (A/B: the base branch config)', () => {
  it('parses the base config and reads its prompt files relative to it', async () => {
    const base = await readConfigAtRef(client(), 'bench/bench.yml', baseSha);
    expect(base).not.toBeNull();
    expect(base!.config.models.map((m) => m.name)).toEqual(['gemma3:1b']);
    expect(base!.config.prompts.map((p) => [p.id, p.text])).toEqual([
      ['banter', 'Craft a witty remark après the finish 🏁.'],
      ['inline', 'Say hi.'],
    ]);
    expect(base!.text).toBe(BASE_CONFIG);
  });

  it('is null when the base branch has no config (then no A/B)', async () => {
    expect(await readConfigAtRef(client(), 'other/bench.yml', baseSha)).toBeNull();
  });

  it('an invalid base config or a missing prompt file is an InputError naming ref and path', async () => {
    await expect(readConfigAtRef(client(), 'bench/bad.yml', 'main')).rejects.toThrow(
      /^main:bench\/bad\.yml: YAML syntax error/,
    );
    const error = await readConfigAtRef(client(), 'bench/missing-prompt.yml', 'main').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'main:bench/missing-prompt.yml: prompts[0].file: prompt file bench/nowhere.txt does not exist at main',
    );
  });

  it('a path may not climb out of the repository', async () => {
    await expect(readConfigAtRef(client(), '../etc/bench.yml', 'main')).rejects.toThrow(
      /points outside the repository/,
    );
  });
});

describe('pull requests', () => {
  it('finds the open PR of a head branch (how a workflow_run for a fork finds its PR)', async () => {
    peer.addPullRequest({ number: 31, headOwner: 'mallory', headRef: 'patch-1' });
    peer.addPullRequest({ number: 30, headOwner: 'mallory', headRef: 'old', state: 'closed' });
    expect(await client().findOpenPullRequest('mallory', 'patch-1')).toBe(31);
    expect(await client().findOpenPullRequest('mallory', 'old')).toBeUndefined();
    expect(peer.requests.at(-1)!.query).toMatchObject({ head: 'mallory:old', state: 'open' });
  });
});

describe('error helpers', () => {
  it('recognise the read-only 403 and 404s from real responses', async () => {
    peer.addPullRequest({ number: 1 });
    const denied = await client('ro')
      .createIssueComment(1, 'x')
      .catch((e: unknown) => e);
    expect(isReadOnlyTokenError(denied)).toBe(true);
    const missing = await client()
      .createIssueComment(4040, 'x')
      .catch((e: unknown) => e);
    expect(isReadOnlyTokenError(missing)).toBe(false);
    expect(isNotFoundError(missing)).toBe(true);
    expect(isReadOnlyTokenError(Object.assign(new Error('Forbidden'), { status: 403 }))).toBe(false);
    expect(isReadOnlyTokenError(new Error('Resource not accessible by integration'))).toBe(false);
  });
});

describe('results artifacts (zip read by fflate)', () => {
  const results = JSON.stringify(makeResults('gpu-4080'));
  const files = { 'llm-bench-results.json': results, 'dir/notes.txt': 'x'.repeat(5000), 'empty.txt': '' };

  it.each([true, false])('finds the results in a zip the peer builds (deflate=%s)', (deflate) => {
    const found = resultsFromArtifactBytes(buildZip(files, { deflate }), 'llm-bench-results-gpu-4080');
    expect(found.map((f) => [f.file, f.results.runner.label])).toEqual([
      ['artifact llm-bench-results-gpu-4080: llm-bench-results.json', 'gpu-4080'],
    ]);
  });

  it('reads a zip written by archiver, the library @actions/artifact uploads with (streamed, data descriptors)', async () => {
    const { default: archiver } = (await import('archiver' as string)) as {
      default: (format: string, options?: object) => any;
    };
    const archive = archiver('zip', { zlib: { level: 6 } });
    const chunks: Buffer[] = [];
    archive.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve, reject) => {
      archive.on('end', resolve);
      archive.on('error', reject);
    });
    archive.append(Buffer.from(results), { name: 'llm-bench-results.json' });
    archive.append(Buffer.from(files['dir/notes.txt']), { name: 'dir/notes.txt' });
    await archive.finalize();
    await done;
    expect(resultsFromArtifactBytes(Buffer.concat(chunks), 'a').map((f) => f.results.runner.label)).toEqual([
      'gpu-4080',
    ]);
  });

  it('names the artifact of a corrupt or truncated zip', () => {
    const zip = buildZip({ 'a.json': results }, { deflate: true });
    expect(() => resultsFromArtifactBytes(zip.subarray(0, zip.length - 5), 'llm-bench-results-pi')).toThrow(
      /artifact llm-bench-results-pi: not a readable zip archive/,
    );
  });
});

describe('job summary', () => {
  it('appends Markdown to GITHUB_STEP_SUMMARY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-summary-'));
    try {
      const path = join(dir, 'summary.md');
      expect(await writeJobSummary('# one', path)).toEqual({ written: true, message: 'Wrote the job summary' });
      await writeJobSummary('# two\n', path);
      expect(await readFile(path, 'utf8')).toBe('# one\n# two\n');
      const result = await writeJobSummary('x', join(dir, 'missing-dir', 'summary.md'));
      expect(result.written).toBe(false);
      expect(result.message).toContain('Could not write the job summary');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without GITHUB_STEP_SUMMARY it says so instead of failing', async () => {
    expect((await writeJobSummary('x', undefined)).written).toBe(false);
  });

  it('cuts at 1 MiB on a character boundary', () => {
    const { markdown, cut } = fitSummary('é'.repeat(600_000));
    expect(cut).toBe(true);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(1024 * 1024);
    expect(markdown).not.toContain('\ufffd');
  });
});
