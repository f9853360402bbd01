// Builds the baseline store the `baseline` input names from the action's context, and decides when a run becomes a baseline.
import { join } from 'node:path';
import { InputError } from '../util/errors.js';
import type { Results } from '../schema/results.js';
import { createBaselineStore, type BaselineStore, type CacheService } from '../store/index.js';
import type { ActionContext, GitHubClient, Logger } from '../github/index.js';
import { BASELINE_CACHE_DIR, BASELINE_HISTORY_RUNS } from './constants.js';
import type { ActionInputs } from './inputs.js';
import { headSideOnly } from './verdicts.js';

export interface StoreDeps {
  client: GitHubClient | undefined;
  cacheService: () => Promise<CacheService>;
  workspace: string;
  log: Logger;
}

/**
 * The workflow whose default-branch runs hold the results artifacts: in a `workflow_run` report job it is
 * the triggering workflow (its id is in the payload), not the reporting one.
 */
export function artifactWorkflow(context: ActionContext): string | undefined {
  const run = context.payload.workflow_run as { workflow_id?: unknown; path?: unknown } | undefined;
  if (context.workflowRun) {
    // The REST API takes the numeric id or the file name in the same place.
    if (typeof run?.workflow_id === 'number') return String(run.workflow_id);
    if (typeof run?.path === 'string') return run.path.split('/').pop();
    return undefined;
  }
  return context.workflowFile;
}

/**
 * The cache service when the job can reach it; otherwise one whose calls fail at once with the reason, so
 * the store warns without @actions/cache retrying a service that is not there.
 */
export function guardedCacheService(
  load: () => Promise<CacheService>,
  available: () => Promise<boolean>,
): () => Promise<CacheService> {
  return async () => {
    if (await available().catch(() => false)) return load();
    const unavailable = async (): Promise<never> => {
      throw new Error(
        'the Actions cache service is not available to this job (no ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL)',
      );
    };
    return { restoreCache: unavailable, saveCache: unavailable };
  };
}

export async function createStore(
  inputs: ActionInputs,
  context: ActionContext,
  deps: StoreDeps,
): Promise<BaselineStore> {
  const needClient = (): GitHubClient => {
    if (!deps.client)
      throw new InputError(
        `'github-token' input is empty: the ${inputs.baseline} baseline store reads through the GitHub API`,
      );
    return deps.client;
  };
  switch (inputs.baseline) {
    case 'file':
      return createBaselineStore({ kind: 'file', path: join(deps.workspace, inputs.baselinePath!), log: deps.log });
    case 'branch':
      return createBaselineStore({
        kind: 'branch',
        client: needClient(),
        branch: inputs.baselineBranch,
        loadLimit: BASELINE_HISTORY_RUNS,
        log: deps.log,
      });
    case 'cache':
      return createBaselineStore({
        kind: 'cache',
        service: await deps.cacheService(),
        // Relative on purpose: the cache version hashes the path, and the workspace differs between machines.
        dir: BASELINE_CACHE_DIR,
        runId: context.runId,
        runAttempt: context.runAttempt,
        log: deps.log,
      });
    case 'artifact': {
      const workflow = artifactWorkflow(context);
      return createBaselineStore({
        kind: 'artifact',
        client: needClient(),
        defaultBranch: context.defaultBranch ?? 'main',
        ...(workflow !== undefined ? { workflow } : {}),
        currentRunId: context.workflowRun?.id ?? context.runId,
        maxBaselines: 5,
        log: deps.log,
      });
    }
  }
}

/** `save-baseline`: true, false, or auto = a push to the default branch. */
export function shouldSaveBaseline(
  inputs: Pick<ActionInputs, 'saveBaseline'>,
  context: Pick<ActionContext, 'isDefaultBranchPush'>,
): boolean {
  return inputs.saveBaseline === 'true' || (inputs.saveBaseline === 'auto' && context.isDefaultBranchPush);
}

/** Stores the results as the label's newest baseline. A partial run is not a baseline; store failures warn. */
export async function saveBaseline(store: BaselineStore, results: Results, log: Logger): Promise<void> {
  if (results.status !== 'complete') {
    log.warning(`Not saving this run as a baseline: it is ${results.status}, and a baseline must be a complete run.`);
    return;
  }
  try {
    await store.save(results.runner.label, headSideOnly(results));
  } catch (error) {
    log.warning(
      `Could not save the baseline (${store.kind}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
