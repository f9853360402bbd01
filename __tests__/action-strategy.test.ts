// Choosing A/B or a stored baseline (the base config read from the REST peer), the store the inputs name, and when a run is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseStrategy, judgingSettings, readBaseConfig, repositoryPath } from '../src/action/strategy.js';
import { artifactWorkflow, guardedCacheService, saveBaseline, shouldSaveBaseline } from '../src/action/stores.js';
import { createGitHubClient, readActionContext, type ActionContext, type GitHubClient } from '../src/github/index.js';
import { parseConfig } from '../src/config/parse.js';
import type { LoadedConfig } from '../src/io/config.js';
import { parseResults } from '../src/schema/results.js';
import type { BaselineStore } from '../src/store/index.js';
import { makeResults, recordingLogger, startGitHubPeer, type GitHubPeer } from './peers/github-server.js';

const HEAD =
  'engine: llama-cpp\nmodels: [{ id: assistant, path: models/small.gguf }]\nprompts: [{ id: p, file: prompts/p.txt }]\n';
const BASE =
  'engine: llama-cpp\nmodels: [{ id: assistant, path: models/tiny.gguf }]\nprompts: [{ id: p, file: prompts/p.txt }]\n';

let peer: GitHubPeer;
let client: GitHubClient;
let baseSha: string;
const head: LoadedConfig = {
  ...parseConfig(HEAD.replace('file: prompts/p.txt', 'text: hi'), 'bench/bench.yml'),
  dir: '/ws/bench',
  text: HEAD,
};

beforeAll(async () => {
  peer = await startGitHubPeer({
    tokens: { t: { login: 'github-actions[bot]', kind: 'installation' } },
    files: { 'bench/bench.yml': BASE, 'bench/prompts/p.txt': 'Greet the reviewer.', 'broken.yml': 'engine: [oops\n' },
  });
  baseSha = peer.refs.get('refs/heads/main')!;
  client = createGitHubClient(
    't',
    { owner: peer.owner, repo: peer.repo },
    { baseUrl: peer.url, retry: { baseMs: 10, pace: false } },
  );
});
afterAll(async () => {
  await peer.stop();
});

function context(payload: Record<string, unknown>, env: Record<string, string> = {}): ActionContext {
  return readActionContext({ GITHUB_REPOSITORY: 'octo/app', GITHUB_EVENT_PATH: '/event.json', ...env }, () =>
    JSON.stringify(payload),
  );
}

const pull = (base = baseSha) =>
  context(
    {
      number: 3,
      pull_request: {
        number: 3,
        head: { sha: 'a'.repeat(40), ref: 'f', repo: { full_name: 'octo/app' } },
        base: { sha: base, ref: 'main', repo: { full_name: 'octo/app' } },
      },
    },
    { GITHUB_EVENT_NAME: 'pull_request' },
  );

describe('chooseStrategy', () => {
  type ChooseInput = {
    strategy: 'auto' | 'ab' | 'baseline';
    context: ActionContext;
    client: GitHubClient | undefined;
    configFile: string;
    log: ReturnType<typeof recordingLogger>;
  };
  const choose = async (over: Partial<ChooseInput>) => {
    const input: ChooseInput = {
      strategy: 'auto',
      context: pull(),
      client,
      configFile: 'bench/bench.yml',
      log: recordingLogger(),
      ...over,
    };
    const base = await readBaseConfig({
      context: input.context,
      client: input.client,
      configFile: input.configFile,
      workspace: '/ws',
    });
    return chooseStrategy({ strategy: input.strategy, head, base, log: input.log });
  };

  it("auto on a pull request: the base commit's config, prompt files read at that commit, model paths from this checkout", async () => {
    const before = peer.requests.length;
    const choice = await choose({});
    expect(choice.kind).toBe('ab');
    if (choice.kind !== 'ab') return;
    expect(choice.ref).toBe(baseSha);
    expect(choice.base.models[0]!.name).toBe('models/tiny.gguf');
    expect(choice.base.prompts[0]!.text).toBe('Greet the reviewer.');
    expect(choice.base.dir).toBe('/ws/bench');
    expect(choice.base.text).toBe(BASE);
    const paths = peer.requests.slice(before).map((r) => `${r.path}@${r.query.ref}`);
    expect(paths).toEqual([
      `/repos/octo/app/contents/bench/bench.yml@${baseSha}`,
      `/repos/octo/app/contents/bench/prompts/p.txt@${baseSha}`,
    ]);
  });

  it('falls back to the stored baseline when there is nothing to A/B against, and says why', async () => {
    expect(await choose({ strategy: 'baseline' })).toEqual({ kind: 'baseline', reason: 'strategy: baseline' });
    const push = context(
      { ref: 'refs/heads/main', repository: { default_branch: 'main' } },
      { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' },
    );
    expect(await choose({ context: push })).toMatchObject({
      kind: 'baseline',
      reason: expect.stringMatching(/^strategy auto could not run A\/B: not a pull request \(push\)/),
    });
    expect(await choose({ client: undefined })).toMatchObject({
      kind: 'baseline',
      reason: expect.stringMatching(/no 'github-token'/),
    });
    expect(await choose({ configFile: '../elsewhere/bench.yml' })).toMatchObject({
      kind: 'baseline',
      reason: expect.stringMatching(/outside the workspace/),
    });
    expect(await choose({ configFile: 'new/bench.yml' })).toMatchObject({
      kind: 'baseline',
      reason:
        'strategy auto could not run A/B: new/bench.yml does not exist on the base main: nothing to A/B against; compared with the stored baseline instead',
    });
    // An explicit ab that cannot run says so.
    const log = recordingLogger();
    await choose({ strategy: 'ab', context: push, log });
    expect(log.lines.warning).toEqual([
      expect.stringMatching(
        /^strategy: ab — not a pull request \(push\).*comparing with the stored baseline instead\.$/,
      ),
    ]);
  });

  it('an invalid base config has no gates to own: the PR applies its own, and the report says why', async () => {
    const log = recordingLogger();
    const choice = await choose({ configFile: 'broken.yml', log });
    expect(choice).toMatchObject({
      kind: 'baseline',
      reason: expect.stringMatching(
        new RegExp(`broken.yml on the base main is invalid: .*${baseSha}:broken.yml: YAML syntax error`),
      ),
    });
    const base = await readBaseConfig({ context: pull(), client, configFile: 'broken.yml', workspace: '/ws' });
    const settings = judgingSettings(head, base);
    expect(settings.gatesFrom).toBe('head');
    expect(settings.gateChanges).toEqual([
      expect.stringMatching(/^the base main's broken\.yml is invalid \(.*\): this pull request's own gates applied$/),
    ]);
  });

  it('an API failure reading the base config fails the step, naming the request, the status and the permission', async () => {
    const read = () => readBaseConfig({ context: pull(), client, configFile: 'bench/bench.yml', workspace: '/ws' });
    peer.faults.push({ path: /contents\/bench\/bench\.yml$/, status: 401, times: 1, message: 'Bad credentials' });
    await expect(read()).rejects.toThrow(
      /^reading bench\/bench\.yml at the base main \([0-9a-f]{12}\) failed \(GET \/repos\/octo\/app\/contents\/bench\/bench\.yml\?ref=[0-9a-f]{40}\): HTTP 401 Bad credentials\. the token was refused/,
    );
    peer.faults.push({
      path: /contents\/bench\/bench\.yml$/,
      status: 403,
      times: 1,
      message: 'Resource not accessible by integration',
    });
    await expect(read()).rejects.toThrow(
      /HTTP 403 Resource not accessible by integration\. the token may lack permission: grant the job `permissions: \{ contents: read \}`/,
    );
    // Transient failures are retried with backoff: two 502s, then the file.
    const before = peer.requests.length;
    peer.faults.push({ path: /contents\/bench\/bench\.yml$/, status: 502, times: 2, message: 'Bad Gateway' });
    expect((await read()).kind).toBe('found');
    expect(
      peer.requests
        .slice(before)
        .filter((r) => r.path.endsWith('bench/bench.yml'))
        .map((r) => r.status),
    ).toEqual([502, 502, 200]);
    // A failure that outlives the retries fails: never "no baseline".
    peer.faults.push({ path: /contents\/bench\/bench\.yml$/, status: 503, times: 4, message: 'Service Unavailable' });
    await expect(read()).rejects.toThrow(/HTTP 503 Service Unavailable\. GitHub kept failing after 3 retries/);
    // A connection reset before any answer, every time: the network is down.
    peer.faults.push({ path: /contents\/bench\/bench\.yml$/, status: 'reset', times: 4 });
    await expect(read()).rejects.toThrow(/GitHub could not be reached after 3 retries/);
    expect(peer.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('maps the config to its repository path', () => {
    expect(repositoryPath('bench.yml', '/ws')).toBe('bench.yml');
    expect(repositoryPath('./a/b/../bench.yml', '/ws')).toBe('a/bench.yml');
    expect(repositoryPath('/ws/x/bench.yml', '/ws')).toBe('x/bench.yml');
    expect(repositoryPath('/elsewhere/bench.yml', '/ws')).toBeUndefined();
  });
});

describe('baselines', () => {
  it('are saved on pushes to the default branch (auto), always (true) or never (false)', () => {
    const push = { isDefaultBranchPush: true };
    const pr = { isDefaultBranchPush: false };
    expect(shouldSaveBaseline({ saveBaseline: 'auto' }, push)).toBe(true);
    expect(shouldSaveBaseline({ saveBaseline: 'auto' }, pr)).toBe(false);
    expect(shouldSaveBaseline({ saveBaseline: 'true' }, pr)).toBe(true);
    expect(shouldSaveBaseline({ saveBaseline: 'false' }, push)).toBe(false);
  });

  it('are never a partial run, and a failing store only warns', async () => {
    const saved: string[] = [];
    const ok: BaselineStore = { kind: 'file', load: async () => [], save: async (label) => void saved.push(label) };
    const log = recordingLogger();
    const partial = parseResults({ ...makeResults('gpu'), status: 'partial' }, 'r.json');
    await saveBaseline(ok, partial, log);
    expect(saved).toEqual([]);
    expect(log.lines.warning).toEqual([
      'Not saving this run as a baseline: it is partial, and a baseline must be a complete run.',
    ]);
    await saveBaseline(ok, parseResults(makeResults('gpu'), 'r.json'), log);
    expect(saved).toEqual(['gpu']);
    const failing: BaselineStore = {
      kind: 'branch',
      load: async () => [],
      save: async () => Promise.reject(new Error('422 Update is not a fast forward')),
    };
    await saveBaseline(failing, parseResults(makeResults('gpu'), 'r.json'), log);
    expect(log.lines.warning.at(-1)).toBe('Could not save the baseline (branch): 422 Update is not a fast forward');
  });

  it("come from the triggering workflow's runs in a workflow_run report job", () => {
    const own = context({}, { GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/bench.yml@refs/heads/main' });
    expect(artifactWorkflow(own)).toBe('bench.yml');
    const triggered = context(
      { workflow_run: { id: 9, workflow_id: 1234, path: '.github/workflows/bench.yml', pull_requests: [] } },
      { GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/report.yml@refs/heads/main' },
    );
    expect(artifactWorkflow(triggered)).toBe('1234');
    const pathOnly = context({ workflow_run: { id: 9, path: '.github/workflows/bench.yml' } });
    expect(artifactWorkflow(pathOnly)).toBe('bench.yml');
  });

  it('without the cache service, fail at once with the reason instead of retrying', async () => {
    let loaded = false;
    const real = async () => {
      loaded = true;
      return { restoreCache: async () => 'k', saveCache: async () => 1 };
    };
    const off = await guardedCacheService(real, async () => false)();
    await expect(off.restoreCache(['x'], 'k')).rejects.toThrow(/not available to this job/);
    expect(loaded).toBe(false);
    const on = await guardedCacheService(real, async () => true)();
    expect(await on.restoreCache(['x'], 'k')).toBe('k');
  });
});
