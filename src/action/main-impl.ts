// The action's main step: run (benchmark, upload), report (gather every runner's results, compare, publish) or all (both on one runner).
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../io/config.js';
import { compareSettings, type CompareSettingsInput } from '../compare/index.js';
import { detectOllamaServer, llamaCppModelDir } from '../engines/storage.js';
import { normalizeOllamaHost } from '../engines/ollama.js';
import { runSession, untilInterrupted, type SessionSide } from '../runner/session.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import type { Results } from '../schema/results.js';
import type { Verdict } from '../schema/verdict.js';
import { defaultCacheService, type CacheService } from '../store/index.js';
import {
  createGitHubClient,
  defaultArtifactUploader,
  downloadRunResults,
  pullNumberFromRef,
  readActionContext,
  readConfigAtRef,
  uploadResultsArtifact,
  writeJobSummary,
  type ActionContext,
  type ArtifactUploader,
  type GitHubClient,
  type Logger,
  type RunResults,
  apiFailure,
  httpStatus,
} from '../github/index.js';
import { reportTitle } from '../report/render.js';
import { escapeMarkdown } from '../report/escape.js';
import { NODE_LLAMA_CPP_VERSION } from '../version.js';
import { Outputs, State } from './constants.js';
import { actionLogger } from './logger.js';
import { parseInputs, type ActionInputs } from './inputs.js';
import { planModelCache, restoreModelCache } from './model-cache.js';
import {
  hasNvidiaDriver,
  lazyNodeLlamaCpp,
  npmInstaller,
  type NodeLlamaCpp,
  type NodeLlamaCppInstaller,
  type ToolCache,
} from './node-llama-cpp.js';
import { findOnPath, ollamaAnswers, startOllamaServe } from './ollama-serve.js';
import { publishVerdict, renderReports } from './publish.js';
import { createStore, guardedCacheService, saveBaseline, shouldSaveBaseline } from './stores.js';
import {
  chooseStrategy,
  judgingSettings,
  readBaseConfig,
  repositoryPath,
  type BaseConfig,
  type StrategyChoice,
} from './strategy.js';
import { gatedFailures, labelVerdict, mergeVerdicts } from './verdicts.js';

/** The I/O the main step uses, each replaceable in tests. */
export interface MainDeps {
  env: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE: where relative inputs point. */
  workspace: string;
  now: () => Date;
  cacheService: () => Promise<CacheService>;
  /** Whether the Actions cache service is reachable (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL). */
  cacheAvailable: () => Promise<boolean>;
  artifactUploader: () => Promise<ArtifactUploader>;
  importNodeLlamaCpp: () => Promise<NodeLlamaCpp>;
  installNodeLlamaCpp: NodeLlamaCppInstaller;
  toolCache: () => Promise<ToolCache>;
}

export function defaultMainDeps(env: Record<string, string | undefined> = process.env): MainDeps {
  return {
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    now: () => new Date(),
    cacheService: defaultCacheService,
    cacheAvailable: async () => (await import('@actions/cache')).isFeatureAvailable(),
    artifactUploader: defaultArtifactUploader,
    importNodeLlamaCpp: () => import('node-llama-cpp'),
    installNodeLlamaCpp: npmInstaller,
    toolCache: () => import('@actions/tool-cache'),
  };
}

/** Runs the main step; every failure ends in core.setFailed with one readable message. */
export async function runMain(overrides: Partial<MainDeps> = {}): Promise<void> {
  const deps: MainDeps = { ...defaultMainDeps(overrides.env), ...overrides };
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const context = readActionContext(deps.env);
    const retryBase = Number(deps.env.LLM_BENCH_GITHUB_RETRY_BASE_MS);
    const client = inputs.githubToken
      ? createGitHubClient(inputs.githubToken, context.repo, {
          baseUrl: context.apiUrl,
          // LLM_BENCH_GITHUB_RETRY_BASE_MS shortens the backoff (and the write pacing) for tests against a local API.
          retry: {
            log: (line) => actionLogger.info(line),
            ...(retryBase > 0 ? { baseMs: retryBase, pace: retryBase >= 1000 } : {}),
          },
        })
      : undefined;
    const verdict =
      inputs.mode === 'report'
        ? await reportStep(inputs, context, client, deps)
        : await benchmarkStep(inputs, context, client, deps);
    const failure = verdict ? stepFailure(verdict, inputs) : undefined;
    if (failure) core.setFailed(failure);
  } catch (error) {
    core.setFailed(getErrorMessage(error));
  }
}

/**
 * Why the step fails, or undefined: a gated regression (unless fail-on-regression is false), or an incomplete run
 * (unless fail-on-incomplete is false). Worded from the same count as the check and the comment. `mode: run` jobs
 * fail on an incomplete run too: the report job cannot judge what never ran.
 */
export function stepFailure(
  verdict: Verdict,
  inputs: Pick<ActionInputs, 'failOnRegression' | 'failOnIncomplete' | 'mode'>,
): string | undefined {
  if (verdict.status === 'regression' && inputs.failOnRegression && inputs.mode !== 'run')
    return `llm-bench: ${reportTitle(verdict)}`;
  if (verdict.incomplete && inputs.failOnIncomplete) {
    const what = verdict.incomplete.cancelled ? 'cancelled before it finished' : 'incomplete';
    return `llm-bench: the run was ${what}, so it is not a pass: ${verdict.incomplete.reasons.join('; ')}`;
  }
  return undefined;
}

/** The verdict with one more reason it is incomplete: nothing failed → incomplete, never a pass. */
function withIncomplete(verdict: Verdict, reason: string): Verdict {
  const reasons = [...(verdict.incomplete?.reasons ?? []), reason];
  return {
    ...verdict,
    status: verdict.status === 'regression' ? 'regression' : 'incomplete',
    incomplete: { cancelled: verdict.incomplete?.cancelled ?? false, reasons },
  };
}

function withNote(verdict: Verdict, note: string | undefined): Verdict {
  return note ? { ...verdict, notes: [...verdict.notes, note] } : verdict;
}

/** run and all: benchmark on this runner, upload the results, save a baseline when due; all also compares and publishes. */
async function benchmarkStep(
  inputs: ActionInputs,
  context: ActionContext,
  client: GitHubClient | undefined,
  deps: MainDeps,
): Promise<Verdict | undefined> {
  const log = actionLogger;
  const configFile = resolve(deps.workspace, inputs.config);
  const resultsPath = resolve(deps.workspace, inputs.resultsPath);

  core.startGroup('llm-bench: prepare');
  let head: LoadedConfig;
  let base: BaseConfig;
  let choice: StrategyChoice;
  let sides: SessionSide[];
  // Where the embedded engine downloads hf:/URL models: the CLI's default, so a runner shares one copy.
  const cacheDir =
    deps.env.LLM_BENCH_CACHE_DIR || llamaCppModelDir({ configDir: deps.workspace, env: deps.env, homeDir: homedir() });
  try {
    head = await loadConfig(configFile);
    // On a pull request the base branch's config owns the gates (and is the A/B base); failing to read it fails here.
    base = await readBaseConfig({ context, client, configFile: inputs.config, workspace: deps.workspace });
    choice = chooseStrategy({ strategy: inputs.strategy, head, base, log });
    if (choice.kind === 'baseline') log.info(`Strategy: baseline (${choice.reason}).`);
    const configs = choice.kind === 'ab' ? [choice.base, head] : [head];
    sides =
      choice.kind === 'ab'
        ? [
            { side: 'base', config: choice.base },
            { side: 'head', config: head },
          ]
        : [{ config: head }];
    await prepareModels(configs, inputs, cacheDir, deps, log);
  } finally {
    core.endGroup();
  }

  core.startGroup('llm-bench: benchmark');
  let results: Results;
  try {
    const nodeLlamaCpp = lazyNodeLlamaCpp(async () => ({
      importBeside: deps.importNodeLlamaCpp,
      version: NODE_LLAMA_CPP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nvidia: hasNvidiaDriver(),
      toolCache: await deps.toolCache(),
      install: deps.installNodeLlamaCpp,
      tempDir: deps.env.RUNNER_TEMP,
      log: (line) => actionLogger.info(line),
    }));
    results = await untilInterrupted(
      () => log.warning('Cancelled: stopping after the current request; everything measured so far is kept.'),
      (signal) =>
        runSession(
          sides,
          {
            out: resultsPath,
            cacheDir,
            ...(inputs.runnerLabel ? { label: inputs.runnerLabel } : {}),
            git: { ...(context.sha ? { sha: context.sha } : {}), ...(context.ref ? { ref: context.ref } : {}) },
            ...(choice.kind === 'ab'
              ? {
                  baseGit: {
                    sha: choice.ref,
                    ...(context.pullRequest?.baseRef ? { ref: context.pullRequest.baseRef } : {}),
                  },
                }
              : {}),
            signal,
          },
          { env: deps.env, log: (line) => actionLogger.info(line), tty: false, importNodeLlamaCpp: nodeLlamaCpp },
        ),
    );
  } finally {
    core.endGroup();
  }
  // The models are in place now, whatever the verdict: post may save them.
  core.saveState(State.BenchmarkFinished, 'true');
  core.setOutput(Outputs.ResultsPath, resultsPath);
  const errors = results.cases.reduce((n, c) => n + c.errors.length, 0);
  log.info(
    `Wrote ${resultsPath}: ${results.cases.length} case(s) on runner "${results.runner.label}", ${errors} error(s), ${results.status}.`,
  );

  const uploader = await deps.artifactUploader().catch((error: unknown) => {
    log.warning(`Could not load the artifact client: ${getErrorMessage(error)}`);
    return undefined;
  });
  if (uploader) {
    const upload = await uploadResultsArtifact(uploader, {
      label: results.runner.label,
      files: [resultsPath],
      rootDirectory: dirname(resultsPath),
      log,
    });
    if (upload.status === 'uploaded') log.info(upload.message);
    if (upload.status === 'conflict') {
      // Two jobs of one label: the report would silently cover one of them.
      throw new InputError(
        `runner label "${results.runner.label}" is used by two jobs of this workflow run: this job (${deps.env.GITHUB_JOB ?? 'job'} on runner ` +
          `"${deps.env.RUNNER_NAME ?? 'unknown'}") and the job that already uploaded ${upload.name}. Give each matrix job its own 'runner-label' ` +
          `(e.g. runner-label: \${{ matrix.runner }}). ${upload.message}`,
      );
    }
  }

  const settings = judgingSettings(head, base);
  for (const change of settings.gateChanges ?? []) log.info(`Gates: ${change}.`);
  // When A/B could not run on a pull request, the report says why (never a silent fall back to a weaker comparison).
  const strategyNote =
    choice.kind === 'baseline' && inputs.strategy !== 'baseline' && context.pullRequest ? choice.reason : undefined;
  const storeDeps = {
    client,
    cacheService: guardedCacheService(deps.cacheService, deps.cacheAvailable),
    workspace: deps.workspace,
    log,
  };
  const save = shouldSaveBaseline(inputs, context);

  if (inputs.mode === 'run') {
    // The report job compares; this job's summary shows what it measured (and an A/B run's own comparison).
    const verdict = withNote(
      await labelVerdict(results, settings, { store: undefined, now: deps.now(), file: resultsPath, log }),
      strategyNote,
    );
    await writeRunSummary(verdict, inputs, context, log);
    if (save) await saveBaseline(await createStore(inputs, context, storeDeps), results, log);
    // Returned so an incomplete run fails this job too; a regression fails only the report job.
    return verdict;
  }

  core.startGroup('llm-bench: compare and report');
  try {
    const store = choice.kind === 'baseline' || save ? await createStore(inputs, context, storeDeps) : undefined;
    // The baseline is loaded before this run is saved, or a push would compare with itself.
    const verdict = withNote(
      await labelVerdict(results, settings, {
        store: choice.kind === 'baseline' ? store : undefined,
        now: deps.now(),
        file: resultsPath,
        log,
      }),
      strategyNote,
    );
    if (save && store) await saveBaseline(store, results, log);
    await publish(verdict, inputs, context, client, context.pullRequest?.number, deps.workspace, log);
    return verdict;
  } finally {
    core.endGroup();
  }
}

/** report: every runner's results artifact of this run (or of the run that triggered a workflow_run), one comment, one check. */
async function reportStep(
  inputs: ActionInputs,
  context: ActionContext,
  client: GitHubClient | undefined,
  deps: MainDeps,
): Promise<Verdict> {
  const log = actionLogger;
  if (!client)
    throw new InputError(
      "'github-token' input is empty: mode report downloads the results artifacts through the GitHub API",
    );
  const runId = context.workflowRun?.id ?? context.runId;
  if (!runId) throw new InputError('GITHUB_RUN_ID is not set: mode report runs inside GitHub Actions');

  core.startGroup('llm-bench: gather results');
  let downloaded: RunResults[];
  const expired: string[] = [];
  try {
    downloaded = await downloadRunResults(client, runId, log, expired).catch((error: unknown) => {
      if (httpStatus(error) === undefined) throw error;
      throw apiFailure(`downloading the results artifacts of workflow run ${runId}`, error, 'actions: read');
    });
    for (const d of downloaded)
      log.info(
        `${d.artifactName}: runner "${d.results.runner.label}", ${d.results.cases.length} case(s), ${d.results.status}.`,
      );
  } finally {
    core.endGroup();
  }
  if (downloaded.length === 0) {
    throw new Error(
      `no llm-bench-results-* artifacts in workflow run ${runId}: run llm-bench with 'mode: run' in the benchmark jobs and list them under 'needs:' of this job`,
    );
  }
  const byLabel = new Map<string, RunResults>();
  for (const d of downloaded) {
    const other = byLabel.get(d.results.runner.label);
    if (other) {
      throw new InputError(
        `two results for runner label "${d.results.runner.label}" (${other.artifactName} and ${d.artifactName}): give each matrix job its own 'runner-label'`,
      );
    }
    byLabel.set(d.results.runner.label, d);
  }

  core.startGroup('llm-bench: compare and report');
  try {
    const settings = await reportSettings(inputs, context, client, deps.workspace, log);
    const needsStore = downloaded.some((d) => !d.results.cases.some((c) => c.side));
    const cacheService = guardedCacheService(deps.cacheService, deps.cacheAvailable);
    const store = needsStore
      ? await createStore(inputs, context, { client, cacheService, workspace: deps.workspace, log })
      : undefined;
    const verdicts: Verdict[] = [];
    for (const d of byLabel.values())
      verdicts.push(await labelVerdict(d.results, settings, { store, now: deps.now(), file: d.file, log }));
    const merged = mergeVerdicts(verdicts, deps.now());
    const verdict =
      expired.length === 0
        ? merged
        : withIncomplete(
            merged,
            `results of ${expired.join(', ')} expired before this report: those runners were not judged`,
          );
    const pullNumber = await findPullNumber(context, client, downloaded, log);
    await publish(verdict, inputs, context, client, pullNumber, deps.workspace, log);
    return verdict;
  } finally {
    core.endGroup();
  }
}

/** The model cache and, for Ollama, a server: both before anything is measured. */
async function prepareModels(
  configs: LoadedConfig[],
  inputs: ActionInputs,
  cacheDir: string,
  deps: MainDeps,
  log: Logger,
): Promise<void> {
  const ollamaConfig = configs.find((c) => c.engine === 'ollama');
  const ollama = ollamaConfig !== undefined;
  const host = ollamaConfig ? normalizeOllamaHost(ollamaConfig.host ?? deps.env.OLLAMA_HOST) : undefined;
  const answering = host ? await ollamaAnswers(host) : false;
  if (host) log.info(answering ? `An Ollama server answers at ${host}.` : `No Ollama server answers at ${host}.`);

  let modelsDir: string | undefined;
  if (inputs.cacheModels) {
    const decision = planModelCache(configs, {
      env: deps.env,
      homeDir: homedir(),
      currentUser: currentUser(),
      platform: process.platform,
      arch: process.arch,
      downloadDir: cacheDir,
      // A server this step starts reads the cached directory; only a running one can read another.
      ...(ollama && answering ? { ollamaServer: await detectOllamaServer() } : {}),
    });
    if (decision.kind === 'skip') {
      log.info(`Model cache: ${decision.reason}.`);
    } else if (!(await deps.cacheAvailable().catch(() => false))) {
      log.warning(
        'The Actions cache service is not available to this job (no ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL): models are not cached.',
      );
    } else {
      if (decision.warning) log.warning(decision.warning);
      log.info(`Model cache: ${decision.note}.`);
      const service = await deps.cacheService();
      const plan = await restoreModelCache(service, decision.plan, log);
      core.saveState(State.ModelCache, JSON.stringify(plan));
      modelsDir = plan.paths[0];
    }
  }

  if (host && !answering) {
    const binary = findOnPath('ollama', deps.env);
    if (!binary) {
      log.info(
        'No ollama binary on the PATH either: start the server on this runner (ollama serve, or the ollama service).',
      );
      return;
    }
    try {
      const started = await startOllamaServe({
        binary,
        host,
        modelsDir: modelsDir ?? deps.env.OLLAMA_MODELS ?? resolve(homedir(), '.ollama', 'models'),
        env: deps.env,
        logFile: resolve(
          deps.env.RUNNER_TEMP || dirname(resolve(deps.workspace, inputs.resultsPath)),
          'llm-bench-ollama.log',
        ),
        log: (line) => log.info(line),
      });
      core.saveState(State.OllamaPid, String(started.pid));
    } catch (error) {
      log.warning(getErrorMessage(error));
    }
  }
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/**
 * Compare settings for the report job: its checkout's config, else the config at the head commit, else the defaults;
 * on a pull request, the base branch's gates judge it (the PR may tighten, never loosen them).
 */
async function reportSettings(
  inputs: ActionInputs,
  context: ActionContext,
  client: GitHubClient,
  workspace: string,
  log: Logger,
): Promise<CompareSettingsInput> {
  const head = await reportConfig(inputs, context, client, workspace, log);
  const base = await readBaseConfig({ context, client, configFile: inputs.config, workspace });
  if (base.kind === 'unavailable') return compareSettings(head);
  if (!head)
    return base.kind === 'found'
      ? { ...compareSettings(base.config.config), gatesFrom: 'base' }
      : compareSettings(undefined);
  const settings = judgingSettings(head, base);
  for (const change of settings.gateChanges ?? []) log.info(`Gates: ${change}.`);
  return settings;
}

async function reportConfig(
  inputs: ActionInputs,
  context: ActionContext,
  client: GitHubClient,
  workspace: string,
  log: Logger,
): Promise<LoadedConfig | undefined> {
  const file = resolve(workspace, inputs.config);
  if (existsSync(file)) return loadConfig(file);
  const path = repositoryPath(inputs.config, workspace);
  if (path && context.headSha) {
    try {
      const atHead = await readConfigAtRef(client, path, context.headSha);
      if (atHead) {
        log.info(`${inputs.config} is not checked out here: using its gates at ${context.headSha.slice(0, 12)}.`);
        return { ...atHead.config, dir: workspace, text: atHead.text };
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw apiFailure(`reading ${path} at ${context.headSha.slice(0, 12)}`, error, 'contents: read');
    }
  }
  log.warning(
    `${inputs.config} was not found: comparing with the default settings (alpha 0.05, min_effect 3%, default gates).`,
  );
  return undefined;
}

/** The PR to comment on: the event's, the triggering run's, the open PR of its head branch, or the one its results recorded. */
async function findPullNumber(
  context: ActionContext,
  client: GitHubClient,
  downloaded: RunResults[],
  log: Logger,
): Promise<number | undefined> {
  if (context.pullRequest) return context.pullRequest.number;
  const run = context.workflowRun;
  if (run) {
    if (run.pullRequestNumbers[0] !== undefined) return run.pullRequestNumbers[0];
    if (run.event === 'pull_request' && run.headBranch && run.headRepoFullName) {
      try {
        const found = await client.findOpenPullRequest(run.headRepoFullName.split('/')[0]!, run.headBranch);
        if (found !== undefined) return found;
      } catch (error) {
        log.warning(
          `Could not look up the pull request of ${run.headRepoFullName}:${run.headBranch}: ${getErrorMessage(error)}`,
        );
      }
    }
  }
  for (const d of downloaded) {
    const n = pullNumberFromRef(d.results.git?.ref);
    if (n !== undefined) return n;
  }
  return undefined;
}

async function publish(
  verdict: Verdict,
  inputs: ActionInputs,
  context: ActionContext,
  client: GitHubClient | undefined,
  pullNumber: number | undefined,
  workspace: string,
  log: Logger,
): Promise<void> {
  const published = await publishVerdict({
    verdict,
    context,
    client,
    pullNumber,
    headSha: context.headSha,
    checkName: inputs.checkName,
    reportId: inputs.reportId,
    comment: inputs.comment,
    failOnRegression: inputs.failOnRegression,
    failOnIncomplete: inputs.failOnIncomplete,
    template: inputs.template ? resolve(workspace, inputs.template) : undefined,
    // Beside the results: llm-bench-results.json → llm-bench-results.md.
    reportPath: resolve(workspace, inputs.resultsPath).replace(/\.json$/i, '.md'),
    log,
  });
  core.setOutput(Outputs.Status, verdict.status);
  core.setOutput(Outputs.Regressions, String(published.regressions));
  core.setOutput(Outputs.ReportPath, published.reportPath);
  core.setOutput(Outputs.CommentUrl, published.commentUrl ?? '');
}

/** The job summary of a `mode: run` job: this runner's measurements (or its A/B comparison); no comment, no check. */
async function writeRunSummary(
  verdict: Verdict,
  inputs: ActionInputs,
  context: ActionContext,
  log: Logger,
): Promise<void> {
  const reports = await renderReports(verdict, {
    reportId: inputs.reportId,
    runUrl: context.runId ? context.runUrl : undefined,
  });
  // Without A/B this job has nothing to compare with: say where the comparison happens, above the measurements.
  const intro =
    verdict.strategy === 'ab'
      ? ''
      : `**llm-bench** measured runner ${verdict.runs.map((r) => `**${escapeMarkdown(r.label)}**`).join(', ')} (mode: run). ` +
        'The job with `mode: report` compares these results with the baseline and writes the comment and the check.\n\n';
  const summary = await writeJobSummary(intro + reports.summary, context.stepSummaryPath, log);
  log.info(`${summary.message}. The report job compares every runner's results and writes the comment and the check.`);
  if (verdict.strategy === 'ab') {
    // An A/B run has its verdict already; the report job makes the same one.
    core.setOutput(Outputs.Status, verdict.status);
    core.setOutput(Outputs.Regressions, String(gatedFailures(verdict)));
  }
}
