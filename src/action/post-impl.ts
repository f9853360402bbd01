// The action's post step: stops an `ollama serve` that main started, then saves the model cache if the benchmark finished.
import * as core from '@actions/core';
import { getErrorMessage } from '../util/errors.js';
import { defaultCacheService, type CacheService } from '../store/index.js';
import { State } from './constants.js';
import { actionLogger } from './logger.js';
import { parseModelCachePlan, saveModelCache } from './model-cache.js';
import { stopOllamaServe } from './ollama-serve.js';

export interface PostDeps {
  cacheService: () => Promise<CacheService>;
  getState: (name: string) => string;
}

export function defaultPostDeps(): PostDeps {
  return { cacheService: defaultCacheService, getState: (name) => core.getState(name) };
}

export async function runPost(overrides: Partial<PostDeps> = {}): Promise<void> {
  const deps: PostDeps = { ...defaultPostDeps(), ...overrides };
  const log = actionLogger;
  try {
    // First the server: its models directory must be quiet before it is archived.
    const pid = Number(deps.getState(State.OllamaPid));
    if (Number.isInteger(pid) && pid > 0) await stopOllamaServe(pid, { log: (line) => log.info(line) });

    const plan = parseModelCachePlan(deps.getState(State.ModelCache));
    if (!plan) return;
    if (deps.getState(State.BenchmarkFinished) !== 'true') {
      log.info(`The benchmark did not finish: the model cache ${plan.key} is not saved.`);
      return;
    }
    let service: CacheService;
    try {
      service = await deps.cacheService();
    } catch (error) {
      log.warning(`Could not load the cache client: ${getErrorMessage(error)}; the model cache is not saved.`);
      return;
    }
    await saveModelCache(service, plan, log);
  } catch (error) {
    core.setFailed(getErrorMessage(error));
  }
}
