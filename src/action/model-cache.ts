// The model cache: which directory holds a config's models, restored before the run and saved in post, with @actions/cache.
// Every failure here is a warning: a cold cache costs time, never the job.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoadedConfig } from '../io/config.js';
import { llamaCppModelDir, modelCacheKey, ollamaStorage, type OllamaServerFacts } from '../engines/storage.js';
import { getErrorMessage } from '../util/errors.js';
import type { CacheService } from '../store/cache.js';
import type { Logger } from '../util/log.js';

/** What main restored and post saves; kept in the action's state between the two. */
export interface ModelCachePlan {
  paths: string[];
  key: string;
  restoreKeys: string[];
  /** The key the restore matched, if any: an exact hit needs no save. */
  matchedKey?: string;
}

export interface ModelCacheFacts {
  env: Record<string, string | undefined>;
  homeDir: string;
  currentUser?: string;
  platform: string;
  arch: string;
  /** Where the embedded engine downloads models when the config names no model_dir. */
  downloadDir: string;
  /** The running Ollama server, as detectOllamaServer finds it (only asked for the ollama engine). */
  ollamaServer?: OllamaServerFacts;
}

export type ModelCacheDecision =
  | { kind: 'cache'; plan: ModelCachePlan; warning?: string; note: string }
  | { kind: 'skip'; reason: string };

/**
 * What to cache for these configs (head, and base in an A/B run). Ollama: its models directory, keyed by the
 * model names. The embedded engine: the download directory of `hf:`/URL models, keyed by URL and sha256 when
 * bench.yml gives one; local model files are the repository's business. Other engines keep models in their server.
 */
export function planModelCache(configs: LoadedConfig[], facts: ModelCacheFacts): ModelCacheDecision {
  const primary = configs[0]!;
  const engines = new Set(configs.map((c) => c.engine));
  if (engines.size > 1)
    return {
      kind: 'skip',
      reason: `base and head use different engines (${[...engines].join(', ')}): model cache skipped`,
    };
  const models = configs.flatMap((c) => c.models);
  if (primary.engine === 'ollama') {
    const storage = ollamaStorage({
      env: facts.env,
      homeDir: facts.homeDir,
      currentUser: facts.currentUser,
      server: facts.ollamaServer,
    });
    const { key, restoreKeys } = modelCacheKey({
      engine: 'ollama',
      models: models.map((m) => ({ name: m.name })),
      platform: facts.platform,
      arch: facts.arch,
    });
    return {
      kind: 'cache',
      plan: { paths: [storage.modelsDir], key, restoreKeys },
      ...(storage.warning ? { warning: storage.warning } : {}),
      note: `Ollama models directory ${storage.modelsDir} (${storage.source === 'OLLAMA_MODELS' ? 'OLLAMA_MODELS' : '~/.ollama/models'})`,
    };
  }
  if (primary.engine === 'llama-cpp') {
    const downloads = configs.flatMap((c) =>
      c.models.filter((m) => m.source === 'url').map((m) => ({ config: c, model: m })),
    );
    if (downloads.length === 0) return { kind: 'skip', reason: 'every model is a local file: nothing to cache' };
    const dirs = [
      ...new Set(
        downloads.map(({ config }) =>
          config.model_dir
            ? llamaCppModelDir({
                modelDir: config.model_dir,
                configDir: config.dir,
                env: facts.env,
                homeDir: facts.homeDir,
              })
            : resolve(facts.downloadDir),
        ),
      ),
    ];
    const { key, restoreKeys } = modelCacheKey({
      engine: 'llama-cpp',
      models: downloads.map(({ model }) => ({
        name: model.name,
        ...(model.sha256 ? { digest: `sha256:${model.sha256}` } : {}),
      })),
      platform: facts.platform,
      arch: facts.arch,
    });
    return {
      kind: 'cache',
      plan: { paths: dirs, key, restoreKeys },
      note: `downloaded GGUF files in ${dirs.join(', ')}`,
    };
  }
  return { kind: 'skip', reason: `the ${primary.engine} engine keeps its models in its own server: nothing to cache` };
}

/** Restores the cache into the plan's paths; returns the plan with the matched key. Never throws. */
export async function restoreModelCache(
  service: CacheService,
  plan: ModelCachePlan,
  log: Logger,
): Promise<ModelCachePlan> {
  try {
    for (const path of plan.paths) await mkdir(path, { recursive: true });
    const matchedKey = await service.restoreCache(plan.paths, plan.key, plan.restoreKeys);
    if (!matchedKey)
      log.info(`No model cache yet for ${plan.key}: models are fetched and the cache is saved after the run.`);
    else if (matchedKey === plan.key) log.info(`Restored the model cache ${matchedKey}.`);
    else
      log.info(
        `Restored the model cache ${matchedKey} (a partial match for ${plan.key}); missing models are fetched and a new cache is saved.`,
      );
    return { ...plan, ...(matchedKey ? { matchedKey } : {}) };
  } catch (error) {
    log.warning(`Could not restore the model cache ${plan.key}: ${getErrorMessage(error)}. Continuing without it.`);
    return plan;
  }
}

/** Saves the cache unless the restore was an exact hit. Never throws. */
export async function saveModelCache(service: CacheService, plan: ModelCachePlan, log: Logger): Promise<void> {
  if (plan.matchedKey === plan.key) {
    log.info(`The model cache ${plan.key} was restored exactly; not saving it again.`);
    return;
  }
  try {
    const id = await service.saveCache(plan.paths, plan.key);
    if (id === -1) log.warning(`The model cache ${plan.key} was not saved (see the cache message above).`);
    else log.info(`Saved the model cache ${plan.key}.`);
  } catch (error) {
    // Another job with the same models saving first is the usual reason, and harmless.
    log.warning(`Could not save the model cache ${plan.key}: ${getErrorMessage(error)}`);
  }
}

/** Reads the plan back from the state string; undefined when main saved none or it is unreadable. */
export function parseModelCachePlan(text: string): ModelCachePlan | undefined {
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as Partial<ModelCachePlan>;
    if (!Array.isArray(data.paths) || typeof data.key !== 'string') return undefined;
    return {
      paths: data.paths.map(String),
      key: data.key,
      restoreKeys: (data.restoreKeys ?? []).map(String),
      ...(data.matchedKey ? { matchedKey: String(data.matchedKey) } : {}),
    };
  } catch {
    return undefined;
  }
}
