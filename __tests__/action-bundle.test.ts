// The bundled action as GitHub runs it: node dist/main.js and dist/post.js as child processes with INPUT_*, the event
// file and the runner's files, on the embedded engine with generated models, against the local GitHub REST peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ensureModel } from './helpers/models.js';
import { startGitHubPeer, type GitHubPeer, type PeerRun } from './peers/github-server.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { reportMarker } from '../src/report/marker.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO_ROOT, 'dist');

const TOKENS = {
  'ghs-write': { login: 'github-actions[bot]', kind: 'installation' as const },
  'ghs-read': { login: 'github-actions[bot]', kind: 'installation' as const, readOnly: true },
};
const WORKFLOW = '.github/workflows/bench.yml';

let peer: GitHubPeer;
let root: string;
let tiny: string;
let slow: string;
let mainSha: string;
let runCounter = 0;

/**
 * A bench.yml on a generated model. `speed` gates decode_tps at −50%: the medium model decodes many times
 * slower than the tiny one, far beyond that. `steady` gates only a limit on the (deterministic) output length, so
 * a run compared with another run of the same model passes however busy the machine is while the tests run.
 */
const benchConfig = (modelPath: string, gate: 'speed' | 'steady' = 'speed'): string =>
  [
    'engine: llama-cpp',
    `models: [{ id: assistant, path: ${JSON.stringify(modelPath)} }]`,
    'options: { threads: 1, context_size: 256 }',
    'prompts: [{ id: greet, text: "Say hello to a new contributor.", max_tokens: 12 }]',
    'workload: { warmup: 1, repetitions: 8 }',
    gate === 'speed' ? 'gates: { decode_tps: { regression: 50% } }' : 'gates: { output_tokens: { min: 1 } }',
    '',
  ].join('\n');

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** Reads a GITHUB_OUTPUT / GITHUB_STATE file: `name<<delimiter\nvalue\ndelimiter` blocks, as @actions/core writes them. */
function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== m[2]) value.push(lines[j++]!);
    out[m[1]!] = value.join('\n');
    i = j;
  }
  return out;
}

interface PullEvent {
  number: number;
  headSha?: string;
  headRepo?: string;
}

function pullRequestPayload(pr: PullEvent): Record<string, unknown> {
  return {
    action: 'synchronize',
    number: pr.number,
    pull_request: {
      number: pr.number,
      head: {
        sha: pr.headSha ?? 'f'.repeat(39) + String(pr.number % 10),
        ref: 'feature',
        repo: { full_name: pr.headRepo ?? 'octo/app' },
      },
      base: { sha: mainSha, ref: 'main', repo: { full_name: 'octo/app' } },
    },
    repository: { full_name: 'octo/app', default_branch: 'main' },
  };
}

interface RunOptions {
  workspace: string;
  inputs: Record<string, string>;
  event: { name: string; payload: Record<string, unknown>; ref: string; sha?: string };
  runId?: number;
  state?: Record<string, string>;
  env?: Record<string, string>;
  /** Sends `signal` to the step once its output matches `after` (as the runner does when a run is cancelled). */
  interrupt?: { after: RegExp; signal: NodeJS.Signals };
}

/** One step of a job: `node dist/<script>.js` with the environment the runner gives a JavaScript action. */
async function runAction(script: 'main' | 'post', opts: RunOptions): Promise<ActionRun> {
  const dir = join(root, 'runner', `${script}-${++runCounter}`);
  await mkdir(dir, { recursive: true });
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
    event: join(dir, 'event.json'),
  };
  await writeFile(files.event, JSON.stringify(opts.event.payload));
  for (const f of [files.output, files.state, files.summary]) await writeFile(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? root,
    // The models are generated; nothing else may leak in from the machine running the tests.
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${peer.owner}/${peer.repo}`,
    GITHUB_SHA: opts.event.sha ?? 'e'.repeat(40),
    GITHUB_REF: opts.event.ref,
    GITHUB_API_URL: peer.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(opts.runId ?? 4242),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW_REF: `${peer.owner}/${peer.repo}/${WORKFLOW}@${opts.event.ref}`,
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: join(root, 'runner-temp'),
    RUNNER_TOOL_CACHE: join(root, 'tool-cache'),
    ...(opts.event.name === 'pull_request' ? { GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' } : {}),
    ...opts.env,
  };
  // GitHub's naming: INPUT_ + the name upper-cased, spaces to underscores, dashes kept.
  for (const [name, value] of Object.entries(opts.inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value;
  await mkdir(env.RUNNER_TEMP!, { recursive: true });

  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [join(DIST, `${script}.js`)], {
        cwd: opts.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let interrupted = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (opts.interrupt && !interrupted && opts.interrupt.after.test(stdout)) {
          interrupted = true;
          child.kill(opts.interrupt.signal);
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`dist/${script}.js did not finish in 90 s:\n${stdout}\n${stderr}`));
      }, 90_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, stdout, stderr });
      });
    },
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(await readFile(files.output, 'utf8')),
    state: parseFileCommands(await readFile(files.state, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
  };
}

async function workspace(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, 'ws', name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

const lines = (text: string, prefix: string): string[] => text.split('\n').filter((l) => l.startsWith(prefix));
const botComments = (pr: number) => peer.commentsOn(pr).filter((c) => c.login === 'github-actions[bot]');
const pullEvent = (pr: PullEvent) => ({
  name: 'pull_request',
  payload: pullRequestPayload(pr),
  ref: `refs/pull/${pr.number}/merge`,
});

async function readResults(file: string): Promise<Results> {
  return parseResults(JSON.parse(await readFile(file, 'utf8')), file);
}

/**
 * The stored baseline of the push run, ten times faster. Runs in different processes on this shared 2-core
 * machine swing by more than 2× with the other test files' load (the tiny model measured 760 against 5,000 tok/s),
 * so a stored baseline that must make the slower model a regression is put out of the swing's reach. The A/B
 * test measures both models for real, side by side.
 */
async function fasterBaseline(label: string): Promise<Results> {
  const baseline = JSON.parse(await readFile(join(root, 'ws', 'push', 'baseline.json'), 'utf8')) as Results;
  baseline.runner.label = label;
  for (const c of baseline.cases) c.samples.decode_tps = c.samples.decode_tps!.map((v) => v * 10);
  return baseline;
}

beforeAll(async () => {
  for (const script of ['main', 'post']) {
    if (!existsSync(join(DIST, `${script}.js`)))
      throw new Error(`dist/${script}.js is missing: run \`npm run build\` before these tests`);
  }
  // Under the load of a shared 2-core machine the tiny model's per-token overhead makes it as slow as the small one
  // in some repetitions; against the medium model (compute-bound, ~25× slower unloaded) it stays clearly apart.
  [tiny, slow] = await Promise.all([ensureModel('tiny'), ensureModel('medium')]);
  root = await mkdtemp(join(tmpdir(), 'llm-bench-action-'));
  // The base branch's config (for the A/B strategy) runs the tiny model behind the id the PR keeps.
  peer = await startGitHubPeer({ tokens: TOKENS, files: { 'README.md': '# app\n', 'bench.yml': benchConfig(tiny) } });
  mainSha = peer.refs.get('refs/heads/main')!;
});

afterAll(async () => {
  await peer?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a push to the default branch', () => {
  it('benchmarks, writes the summary and outputs, and saves the run as the file baseline', async () => {
    const ws = await workspace('push', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      inputs: {
        'github-token': 'ghs-write',
        baseline: 'file',
        'baseline-path': 'baseline.json',
        'runner-label': 'ci-box',
        'cache-models': 'true',
      },
      event: {
        name: 'push',
        payload: {
          ref: 'refs/heads/main',
          after: mainSha,
          repository: { full_name: 'octo/app', default_branch: 'main' },
        },
        ref: 'refs/heads/main',
        sha: mainSha,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout, '::error::')).toEqual([]);
    // The upload goes to the Actions results service, which is not here: a warning, not a failure.
    expect(run.stdout).toMatch(/::warning::Could not upload the results artifact llm-bench-results-ci-box: /);
    expect(run.outputs.status).toBe('no-baseline');
    expect(run.outputs['results-path']).toBe(join(ws, 'llm-bench-results.json'));
    expect(run.outputs['report-path']).toBe(join(ws, 'llm-bench-results.md'));
    expect(run.outputs['comment-url']).toBe('');
    expect(run.summary).toMatch(/ci-box/);
    // A push has no PR: a check run on the pushed commit, no comment.
    const check = peer.checkRuns.find((c) => c.head_sha === mainSha)!;
    expect(check).toMatchObject({ name: 'llm-bench', conclusion: 'neutral' });
    expect(run.stdout).toMatch(/Wrote the baseline to .*baseline\.json/);
    const baseline = await readResults(join(ws, 'baseline.json'));
    expect(baseline.runner.label).toBe('ci-box');
    expect(baseline.git).toEqual({ sha: mainSha, ref: 'refs/heads/main' });
    expect(baseline.cases.map((c) => c.id)).toEqual(
      (await readResults(join(ws, 'llm-bench-results.json'))).cases.map((c) => c.id),
    );
    // Local model files need no cache; the state says the benchmark finished.
    expect(run.stdout).toMatch(/Model cache: every model is a local file/);
    expect(run.state['benchmark-finished']).toBe('true');
  });
});

describe('a pull request compared with a stored baseline', () => {
  let ws: string;
  const pr = 7;

  it('writes one comment, a success check, outputs and the summary, and leaves a copied marker alone', async () => {
    peer.addPullRequest({ number: pr, headSha: `${'f'.repeat(39)}7` });
    const copied = peer.addComment(pr, { login: 'mallory', body: `Look, a report!\n${reportMarker('llm-bench')}` });
    // steady.yml does not exist on the base branch, so its own gates apply (the base's bench.yml gates decode_tps,
    // which two separate runs on this busy machine cannot be compared on reliably).
    ws = await workspace('pr-pass', { 'steady.yml': benchConfig(tiny, 'steady') });
    await copyFile(join(root, 'ws', 'push', 'baseline.json'), join(ws, 'baseline.json'));
    const inputs = {
      'github-token': 'ghs-write',
      config: 'steady.yml',
      strategy: 'baseline',
      baseline: 'file',
      'baseline-path': 'baseline.json',
      'runner-label': 'ci-box',
    };

    const first = await runAction('main', { workspace: ws, inputs, event: pullEvent({ number: pr }) });
    expect(first.code).toBe(0);
    expect(lines(first.stdout, '::error::')).toEqual([]);
    expect(first.outputs.status).toBe('pass');
    expect(first.outputs.regressions).toBe('0');
    const mine = botComments(pr);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain(reportMarker('llm-bench'));
    expect(first.outputs['comment-url']).toBe(`https://github.com/octo/app/pull/${pr}#issuecomment-${mine[0]!.id}`);
    expect(await readFile(first.outputs['report-path']!, 'utf8')).toBe(`${mine[0]!.body.replace(/\n$/, '')}\n`);
    expect(first.summary.length).toBeGreaterThan(100);
    const checks = peer.checkRuns.filter((c) => c.head_sha === `${'f'.repeat(39)}7`);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'llm-bench', conclusion: 'success', status: 'completed' });

    const second = await runAction('main', { workspace: ws, inputs, event: pullEvent({ number: pr }) });
    expect(second.code, lines(second.stdout, '::error::').join('\n')).toBe(0);
    const after = botComments(pr);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(mine[0]!.id);
    expect(after[0]!.updated_at > after[0]!.created_at).toBe(true);
    expect(peer.requestsTo('PATCH', new RegExp(`/issues/comments/${mine[0]!.id}$`))).toHaveLength(1);
    // The user's comment carrying the same marker: never edited.
    expect(peer.comments.find((c) => c.id === copied.id)).toMatchObject({
      login: 'mallory',
      body: copied.body,
      updated_at: copied.created_at,
    });
    expect(peer.requestsTo('PATCH', new RegExp(`/issues/comments/${copied.id}$`))).toHaveLength(0);
  });

  it('fails the check and the step with exit status 1 when the PR regresses', async () => {
    const regressed = 8;
    const headSha = `${'f'.repeat(39)}8`;
    peer.addPullRequest({ number: regressed, headSha });
    const dir = await workspace('pr-regress', { 'bench.yml': benchConfig(slow) });
    await writeFile(join(dir, 'baseline.json'), JSON.stringify(await fasterBaseline('ci-box')));
    const run = await runAction('main', {
      workspace: dir,
      inputs: {
        'github-token': 'ghs-write',
        strategy: 'baseline',
        baseline: 'file',
        'baseline-path': 'baseline.json',
        'runner-label': 'ci-box',
        'fail-on-regression': 'true',
      },
      event: pullEvent({ number: regressed, headSha }),
    });
    expect(run.code).toBe(1);
    expect(lines(run.stdout, '::error::')).toEqual([expect.stringMatching(/^::error::llm-bench: .*decode/)]);
    expect(run.outputs.status).toBe('regression');
    expect(Number(run.outputs.regressions)).toBeGreaterThanOrEqual(1);
    expect(peer.checkRuns.find((c) => c.head_sha === headSha)).toMatchObject({ conclusion: 'failure' });
    expect(botComments(regressed)).toHaveLength(1);
    expect(run.summary).toMatch(/regression/i);
  });
});

describe('the A/B strategy', () => {
  it('reads the base config from the API, runs both sides interleaved and finds the regression the PR brings', async () => {
    const pr = 9;
    const headSha = `${'f'.repeat(39)}9`;
    peer.addPullRequest({ number: pr, headSha });
    // The PR swaps the model behind the id `assistant` for the medium one.
    const ws = await workspace('ab', { 'bench.yml': benchConfig(slow) });
    const before = peer.requests.length;
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', 'runner-label': 'ci-box' },
      event: pullEvent({ number: pr, headSha }),
    });
    const contents = peer.requests
      .slice(before)
      .filter((r) => r.method === 'GET' && r.path.endsWith('/contents/bench.yml'));
    expect(contents.map((r) => r.query.ref)).toEqual([mainSha]);
    expect(run.stdout).toMatch(/A\/B: the base config is bench\.yml at main/);
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('regression');
    const results = await readResults(run.outputs['results-path']!);
    expect(new Set(results.cases.map((c) => c.side))).toEqual(new Set(['base', 'head']));
    expect(results.cases.find((c) => c.side === 'base')!.model.name).toBe(tiny);
    expect(results.cases.find((c) => c.side === 'head')!.model.name).toBe(slow);
    expect(peer.checkRuns.find((c) => c.head_sha === headSha)).toMatchObject({ conclusion: 'failure' });
    const comment = botComments(pr)[0]!;
    expect(comment.body).toMatch(/\bab\b|A\/B/);
    expect(comment.body).toMatch(/regress/i);
  });
});

describe('a pull request from a fork (read-only token)', () => {
  it('does not fail: writes the summary and explains how to comment from a workflow_run workflow', async () => {
    const pr = 10;
    peer.addPullRequest({ number: pr, headOwner: 'someone' });
    const ws = await workspace('fork', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      // A file store with no file yet: a genuine absence, so no baseline (the cache store would fail here: no service).
      inputs: {
        'github-token': 'ghs-read',
        strategy: 'baseline',
        baseline: 'file',
        'baseline-path': 'none.json',
        'runner-label': 'ci-box',
      },
      event: pullEvent({ number: pr, headRepo: 'someone/app' }),
    });
    expect(run.code).toBe(0);
    expect(lines(run.stdout, '::error::')).toEqual([]);
    expect(run.outputs.status).toBe('no-baseline');
    expect(run.summary.length).toBeGreaterThan(100);
    const warnings = lines(run.stdout, '::warning::');
    expect(warnings.filter((w) => /Resource not accessible by integration/.test(w))).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/workflow_run/);
    expect(run.stdout).toMatch(/No baseline file at .*none\.json/);
    expect(peer.commentsOn(pr)).toHaveLength(0);
    expect(peer.requestsTo('POST', /\/check-runs$/).filter((r) => r.status === 403)).toHaveLength(1);
  });
});

describe('a gate nobody can turn green by accident', () => {
  const longConfig = (model: string): string =>
    benchConfig(model, 'steady').replace('repetitions: 8', 'repetitions: 200');

  it.each<[NodeJS.Signals, string]>([
    ['SIGINT', 'cancelled'],
    ['SIGTERM', 'cancelled'],
  ])(
    '%s mid-run: status incomplete, check %s, the step fails, and the comment says what ran',
    async (signal, conclusion) => {
      const pr = signal === 'SIGINT' ? 21 : 22;
      const headSha = 'c'.repeat(39) + String(pr % 10);
      peer.addPullRequest({ number: pr, headSha });
      const ws = await workspace(`cancel-${signal}`, { 'steady.yml': longConfig(tiny) });
      await copyFile(join(root, 'ws', 'push', 'baseline.json'), join(ws, 'baseline.json'));
      const run = await runAction('main', {
        workspace: ws,
        // steady.yml is not on the base branch: its own gates (a limit on the output length) apply, not decode_tps.
        inputs: {
          'github-token': 'ghs-write',
          config: 'steady.yml',
          strategy: 'baseline',
          baseline: 'file',
          'baseline-path': 'baseline.json',
          'runner-label': 'ci-box',
        },
        event: pullEvent({ number: pr, headSha }),
        interrupt: { after: /\[case 1\/1 rep 6\/200\]/, signal },
      });
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe('incomplete');
      expect(run.outputs.regressions).toBe('0');
      expect(lines(run.stdout, '::error::')).toEqual([
        expect.stringMatching(
          /^::error::llm-bench: the run was cancelled before it finished, so it is not a pass: head run on ci-box interrupted .*: \d+ of 200 repetitions ran$/,
        ),
      ]);
      const check = peer.checkRuns.find((c) => c.head_sha === headSha)!;
      expect(check.conclusion).toBe(conclusion);
      expect(check.output.title).toMatch(/^Incomplete, not fully judged: head run on ci-box interrupted/);
      const comment = botComments(pr)[0]!.body;
      expect(comment).toMatch(/⛔ Cancelled, incomplete, not a pass/);
      expect(comment).toMatch(/The run was cancelled before it finished/);
      // What ran is reported as what ran, never with a pass mark.
      expect(comment.split('\n')[1]).toMatch(
        /^\*\*⛔ Cancelled, incomplete, not a pass\*\*: head run on ci-box interrupted .* in what ran: /,
      );
      expect(comment).not.toMatch(/✅/);
      const results = await readResults(run.outputs['results-path']!);
      expect(results).toMatchObject({ status: 'partial', interrupted: true, planned_repetitions: 200 });
    },
  );

  it('fail-on-incomplete: false reports the cancelled run as neutral and does not fail the step, still never a pass', async () => {
    const pr = 23;
    const headSha = `${'c'.repeat(39)}3`;
    peer.addPullRequest({ number: pr, headSha });
    const ws = await workspace('cancel-optout', { 'steady.yml': longConfig(tiny) });
    await copyFile(join(root, 'ws', 'push', 'baseline.json'), join(ws, 'baseline.json'));
    const run = await runAction('main', {
      workspace: ws,
      inputs: {
        'github-token': 'ghs-write',
        config: 'steady.yml',
        strategy: 'baseline',
        baseline: 'file',
        'baseline-path': 'baseline.json',
        'runner-label': 'ci-box',
        'fail-on-incomplete': 'false',
      },
      event: pullEvent({ number: pr, headSha }),
      interrupt: { after: /\[case 1\/1 rep 4\/200\]/, signal: 'SIGINT' },
    });
    expect(lines(run.stdout, '::error::')).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('incomplete');
    // A cancelled run is reported as cancelled either way; only the step's exit code is the user's to choose.
    expect(peer.checkRuns.find((c) => c.head_sha === headSha)!.conclusion).toBe('cancelled');
  });

  it('a revoked token fails the step naming the request and the status, instead of falling back to "no baseline"', async () => {
    const pr = 24;
    peer.addPullRequest({ number: pr });
    const ws = await workspace('revoked', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-revoked', 'runner-label': 'ci-box' },
      event: pullEvent({ number: pr }),
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBeUndefined();
    expect(lines(run.stdout, '::error::')).toEqual([
      expect.stringMatching(
        /^::error::reading bench\.yml at the base main \(\w{12}\) failed \(GET \/repos\/octo\/app\/contents\/bench\.yml\?ref=\w{40}\): HTTP 401 Bad credentials\. the token was refused/,
      ),
    ]);
    expect(peer.commentsOn(pr)).toHaveLength(0);
  });

  it('502 twice on the base config, then 200: retried with backoff and the A/B run goes ahead', async () => {
    const pr = 25;
    const headSha = `${'c'.repeat(39)}5`;
    peer.addPullRequest({ number: pr, headSha });
    const ws = await workspace('flaky', { 'bench.yml': benchConfig(tiny, 'steady') });
    peer.faults.push({ method: 'GET', path: /\/contents\/bench\.yml$/, status: 502, times: 2, message: 'Bad Gateway' });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', 'runner-label': 'ci-box' },
      event: pullEvent({ number: pr, headSha }),
    });
    expect(peer.faults.at(-1)!.times).toBe(0);
    expect(run.stdout).toMatch(/A\/B: the base config is bench\.yml at main/);
    expect(run.outputs.status).not.toBe('no-baseline');
  });

  it("a PR that loosens its gate is judged by the base branch's gate, and the report says so", async () => {
    const pr = 26;
    const headSha = `${'c'.repeat(39)}6`;
    peer.addPullRequest({ number: pr, headSha });
    // The PR swaps in the slow model and loosens decode_tps from 50% to 99%: the base's 50% still applies.
    const ws = await workspace('loosen', {
      'bench.yml': benchConfig(slow).replace('regression: 50%', 'regression: 99%'),
    });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', 'runner-label': 'ci-box' },
      event: pullEvent({ number: pr, headSha }),
    });
    expect(run.stdout).toMatch(/Gates: this PR loosens decode_tps regression 50% → 99%; the base's 50% applied\./);
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('regression');
    const comment = botComments(pr)[0]!.body;
    expect(comment).toMatch(/the base branch's gates judged this pull request/);
    expect(comment).toMatch(/this PR loosens decode\\?_tps regression 50% → 99%; the base's 50% applied/);
  });

  it("a PR that removes its gates is judged by the base branch's gates", async () => {
    const pr = 27;
    const headSha = `${'c'.repeat(39)}7`;
    peer.addPullRequest({ number: pr, headSha });
    const ws = await workspace('remove', {
      'bench.yml': benchConfig(slow).replace(
        'gates: { decode_tps: { regression: 50% } }',
        'gates: { output_tokens: { min: 1 } }',
      ),
    });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', 'runner-label': 'ci-box' },
      event: pullEvent({ number: pr, headSha }),
    });
    expect(run.stdout).toMatch(
      /Gates: this PR removes the decode_tps gate \(regression 50%\); the base's gate applied\./,
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('regression');
  });

  it('mode report with two results of one runner label fails naming both artifacts', async () => {
    const run0 = peer.addRun({
      workflowPath: WORKFLOW,
      event: 'pull_request',
      headBranch: 'feature',
      status: 'in_progress',
      conclusion: null,
    });
    const doc = await readFile(join(root, 'ws', 'push', 'llm-bench-results.json'), 'utf8');
    peer.addArtifact(run0.id, {
      name: 'llm-bench-results-linux-x64',
      files: { 'llm-bench-results.json': doc.replace(/"label": "ci-box"/, '"label": "linux-x64"') },
    });
    peer.addArtifact(run0.id, {
      name: 'llm-bench-results-linux-x64-2',
      files: { 'llm-bench-results.json': doc.replace(/"label": "ci-box"/, '"label": "linux-x64"') },
    });
    const ws = await workspace('dup-labels', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', mode: 'report' },
      event: pullEvent({ number: 28 }),
      runId: run0.id,
    });
    expect(run.code).toBe(1);
    expect(lines(run.stdout, '::error::')).toEqual([
      expect.stringMatching(
        /two results for runner label "linux-x64" \(llm-bench-results-linux-x64 and llm-bench-results-linux-x64-2\)/,
      ),
    ]);
  });

  it('hostile runner labels in artifacts never become workflow commands in the report job', async () => {
    const run0 = peer.addRun({
      workflowPath: WORKFLOW,
      event: 'pull_request',
      headBranch: 'feature',
      status: 'in_progress',
      conclusion: null,
    });
    const doc = JSON.parse(await readFile(join(root, 'ws', 'push', 'llm-bench-results.json'), 'utf8')) as Results;
    doc.runner.label = 'gpu\n::error title=pwned::owned\r\n::add-mask::x\n##[error]legacy';
    for (const c of doc.cases) c.model.name = 'model\n::warning::fake';
    peer.addArtifact(run0.id, {
      name: 'llm-bench-results-hostile',
      files: { 'llm-bench-results.json': JSON.stringify(doc) },
    });
    const ws = await workspace('hostile', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', mode: 'report', baseline: 'file', 'baseline-path': 'none.json' },
      event: pullEvent({ number: 29 }),
      runId: run0.id,
    });
    const bad = run.stdout
      .split('\n')
      .filter((l) => /^\s*(::error title=pwned|::add-mask::|##\[error\]|::warning::fake)/.test(l));
    expect(bad).toEqual([]);
    expect(run.stdout).toMatch(/runner "gpu⏎::error title=pwned::owned⏎::add-mask::x⏎##\[error\]legacy"/);
  });
});

describe('a matrix: mode run on each runner, then mode report', () => {
  const pr = 11;
  const headSha = `${'f'.repeat(39)}1`;
  let current: PeerRun;
  const produced: Record<string, string> = {};

  it('mode run benchmarks and only warns when the artifact cannot be uploaded', async () => {
    peer.addPullRequest({ number: pr, headSha });
    // The default branch's last push run left the gpu runner's baseline as an artifact.
    const baseline = await fasterBaseline('gpu');
    peer.addRun({
      workflowPath: WORKFLOW,
      event: 'push',
      headBranch: 'main',
      artifacts: [{ name: 'llm-bench-results-gpu', files: { 'llm-bench-results.json': JSON.stringify(baseline) } }],
    });
    current = peer.addRun({
      workflowPath: WORKFLOW,
      event: 'pull_request',
      headBranch: 'feature',
      headSha,
      status: 'in_progress',
      conclusion: null,
    });

    for (const [label, model] of [
      ['gpu', slow],
      ['pi', tiny],
    ] as const) {
      const ws = await workspace(`matrix-${label}`, { 'bench.yml': benchConfig(model) });
      const run = await runAction('main', {
        workspace: ws,
        inputs: {
          'github-token': 'ghs-write',
          mode: 'run',
          strategy: 'baseline',
          baseline: 'artifact',
          'runner-label': label,
        },
        event: pullEvent({ number: pr, headSha }),
        runId: current.id,
      });
      expect(run.code).toBe(0);
      expect(lines(run.stdout, '::error::')).toEqual([]);
      expect(run.stdout).toMatch(
        new RegExp(`::warning::Could not upload the results artifact llm-bench-results-${label}: `),
      );
      expect(
        run.summary.startsWith(
          `**llm-bench** measured runner **${label}** (mode: run). The job with \`mode: report\` compares`,
        ),
      ).toBe(true);
      expect(run.outputs.status).toBeUndefined();
      produced[label] = run.outputs['results-path']!;
    }
    // mode run neither comments nor checks: the report job does, once.
    expect(peer.commentsOn(pr)).toHaveLength(0);
    expect(peer.checkRuns.filter((c) => c.head_sha === headSha)).toHaveLength(0);
  });

  it('mode report gathers every artifact of the run, compares each label with its own baseline, one comment, one check', async () => {
    // What upload-artifact would have stored for the two jobs.
    for (const [label, file] of Object.entries(produced)) {
      peer.addArtifact(current.id, {
        name: `llm-bench-results-${label}`,
        files: { 'llm-bench-results.json': await readFile(file, 'utf8') },
      });
    }
    const ws = await workspace('report', { 'bench.yml': benchConfig(tiny) });
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', mode: 'report', baseline: 'artifact' },
      event: pullEvent({ number: pr, headSha }),
      runId: current.id,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('regression');
    expect(run.stdout).toMatch(/llm-bench-results-gpu: runner "gpu"/);
    expect(run.stdout).toMatch(/llm-bench-results-pi: runner "pi"/);
    const comments = botComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('gpu');
    expect(comments[0]!.body).toContain('pi');
    const checks = peer.checkRuns.filter((c) => c.head_sha === headSha);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('a workflow_run report job finds the fork PR by its head branch and updates the same comment', async () => {
    const ws = await workspace('workflow-run', { 'bench.yml': benchConfig(tiny) });
    const payload = {
      action: 'completed',
      workflow_run: {
        id: current.id,
        workflow_id: current.workflowId,
        path: WORKFLOW,
        name: 'bench',
        event: 'pull_request',
        conclusion: 'success',
        head_sha: headSha,
        head_branch: 'feature',
        head_repository: { full_name: 'octo/app' },
        pull_requests: [],
      },
      repository: { full_name: 'octo/app', default_branch: 'main' },
    };
    const reportRun = peer.addRun({ workflowPath: '.github/workflows/report.yml', event: 'workflow_run' });
    const before = botComments(pr)[0]!;
    const run = await runAction('main', {
      workspace: ws,
      inputs: { 'github-token': 'ghs-write', mode: 'report', baseline: 'artifact', 'fail-on-regression': 'false' },
      event: { name: 'workflow_run', payload, ref: 'refs/heads/main', sha: mainSha },
      runId: reportRun.id,
      env: { GITHUB_WORKFLOW_REF: `octo/app/.github/workflows/report.yml@refs/heads/main` },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('regression');
    const comments = botComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(before.id);
    // fail-on-regression: false → the check does not block (neutral), on the PR's head commit.
    const checks = peer.checkRuns.filter((c) => c.head_sha === headSha);
    expect(checks.at(-1)).toMatchObject({ conclusion: 'neutral' });
    // The baseline came from the triggering workflow's push runs, not the report workflow's.
    expect(peer.requestsTo('GET', new RegExp(`/actions/workflows/${current.workflowId}/runs$`)).length).toBeGreaterThan(
      0,
    );
  });
});

/** A free TCP port on 127.0.0.1 (closed again before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An `ollama` binary for the PATH: `ollama serve` starts the Ollama REST peer (compiled from
 * __tests__/peers/ollama-server.ts) behind a proxy on OLLAMA_HOST, and records the environment it got.
 */
const FAKE_OLLAMA = `#!/usr/bin/env node
const http = require('node:http');
const fs = require('node:fs');
if (process.argv[2] !== 'serve') process.exit(2);
(async () => {
  const { startOllamaPeer } = await import(process.env.FAKE_PEER_MODULE);
  const peer = await startOllamaPeer(JSON.parse(process.env.FAKE_PEER_OPTIONS));
  const [host, port] = process.env.OLLAMA_HOST.split(':');
  fs.writeFileSync(process.env.FAKE_RECORD, JSON.stringify({ models: process.env.OLLAMA_MODELS, host: process.env.OLLAMA_HOST, pid: process.pid }));
  http.createServer((req, res) => {
    const upstream = http.request(new URL(req.url, peer.url), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }).listen(Number(port), host);
  process.on('SIGTERM', () => process.exit(0));
})();
`;

describe('the Ollama engine with no server running', () => {
  it('starts ollama serve from the PATH for the run, and post stops it', async () => {
    const bin = join(root, 'fake-ollama');
    await mkdir(bin, { recursive: true });
    const peerModule = join(bin, 'ollama-peer.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./peers/ollama-server.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: peerModule,
      logLevel: 'silent',
    });
    await writeFile(join(bin, 'ollama'), FAKE_OLLAMA);
    await chmod(join(bin, 'ollama'), 0o755);
    const port = await freePort();
    const model = {
      name: 'gemma3:1b',
      digest: `sha256:${'ab'.repeat(32)}`,
      sizeBytes: 815_000_000,
      family: 'gemma3',
      parameterSize: '999.89M',
      quantization: 'Q4_K_M',
      parameterCount: 999_885_952,
      vramShare: 1,
    };
    const ws = await workspace('ollama', {
      'bench.yml': `engine: ollama\nhost: http://127.0.0.1:${port}\npull: never\nmodels: [gemma3:1b]\nprompts: [{ id: banter, text: "Craft a witty remark", max_tokens: 8 }]\nworkload: { warmup: 1, repetitions: 4 }\n`,
    });
    const env = {
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      OLLAMA_MODELS: join(root, 'ollama-models'),
      FAKE_PEER_MODULE: pathToFileURL(peerModule).href,
      FAKE_PEER_OPTIONS: JSON.stringify({ models: [model], tokens: 8, firstTokenDelayMs: 5, interTokenDelayMs: 1 }),
      FAKE_RECORD: join(bin, 'record.json'),
    };
    const main = await runAction('main', {
      workspace: ws,
      inputs: {
        'github-token': 'ghs-write',
        strategy: 'baseline',
        baseline: 'file',
        'baseline-path': 'none.json',
        'runner-label': 'gpu-4080',
        comment: 'never',
      },
      event: pullEvent({ number: 7 }),
      env,
    });
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(new RegExp(`No Ollama server answers at http://127\\.0\\.0\\.1:${port}`));
    // No cache service in this test: the model cache only warns, and the server reads OLLAMA_MODELS.
    expect(lines(main.stdout, '::warning::').join('\n')).toMatch(
      /The Actions cache service is not available to this job/,
    );
    const record = JSON.parse(await readFile(env.FAKE_RECORD, 'utf8')) as { models: string; host: string; pid: number };
    expect(record).toMatchObject({ models: env.OLLAMA_MODELS, host: `127.0.0.1:${port}` });
    expect(main.state['ollama-pid']).toBe(String(record.pid));
    const results = await readResults(main.outputs['results-path']!);
    expect(results.engine.kind).toBe('ollama');
    expect(results.cases[0]!.model.digest).toBe(model.digest);
    expect(results.cases[0]!.samples.decode_tps).toHaveLength(4);
    // The server outlives main (post stops it): it still answers.
    expect((await fetch(`http://127.0.0.1:${port}/api/version`)).ok).toBe(true);

    const post = await runAction('post', {
      workspace: ws,
      inputs: {},
      event: pullEvent({ number: 7 }),
      state: main.state,
    });
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(new RegExp(`Stopped ollama serve \\(pid ${record.pid}\\)`));
    expect(() => process.kill(record.pid, 0)).toThrow();
    await expect(fetch(`http://127.0.0.1:${port}/api/version`)).rejects.toThrow();
  });
});

describe('bad input', () => {
  it.each([
    [{ mode: 'x' }, "::error::'mode' input must be one of all | run | report, got 'x'"],
    [{ 'fail-on-regression': 'yes' }, "::error::'fail-on-regression' input must be true or false, got 'yes'"],
    [{ config: 'missing.yml' }, /^::error::.*missing\.yml: cannot read config: file not found$/],
  ] as Array<[Record<string, string>, string | RegExp]>)(
    '%j fails the step with one line and writes nothing',
    async (inputs, message) => {
      const ws = await workspace(`bad-${++runCounter}`, {});
      const run = await runAction('main', {
        workspace: ws,
        inputs: { 'github-token': 'ghs-write', ...inputs },
        event: pullEvent({ number: 7 }),
      });
      expect(run.code).toBe(1);
      expect(lines(run.stdout, '::error::')).toEqual([
        typeof message === 'string' ? message : expect.stringMatching(message),
      ]);
      expect(run.outputs).toEqual({});
      expect(run.summary).toBe('');
      expect(existsSync(join(ws, 'llm-bench-results.json'))).toBe(false);
    },
  );
});

describe('post', () => {
  it('stops the ollama serve main started and only warns when the model cache cannot be saved', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      sleeper.on('exit', (_code, signal) => resolve(signal)),
    );
    const ws = await workspace('post', {});
    const plan = {
      paths: [join(root, 'ollama-models')],
      key: 'llm-bench-models-ollama-linux-x64-gemma3_1b-0123456789abcdef',
      restoreKeys: ['llm-bench-models-ollama-linux-x64-'],
    };
    const run = await runAction('post', {
      workspace: ws,
      inputs: {},
      event: pullEvent({ number: 7 }),
      state: { 'ollama-pid': String(sleeper.pid), 'model-cache': JSON.stringify(plan), 'benchmark-finished': 'true' },
    });
    expect(await exited).toBe('SIGTERM');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Stopped ollama serve \\(pid ${sleeper.pid}\\)`));
    expect(lines(run.stdout, '::warning::').join('\n')).toMatch(
      /Could not save the model cache llm-bench-models-ollama/,
    );
    expect(lines(run.stdout, '::error::')).toEqual([]);
  });

  it('does not save the model cache when main did not finish the benchmark', async () => {
    const ws = await workspace('post-unfinished', {});
    const plan = { paths: [join(root, 'ollama-models')], key: 'k', restoreKeys: [] };
    const run = await runAction('post', {
      workspace: ws,
      inputs: {},
      event: pullEvent({ number: 7 }),
      state: { 'model-cache': JSON.stringify(plan) },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/did not finish: the model cache k is not saved/);
    expect(lines(run.stdout, '::warning::')).toEqual([]);
  });
});
