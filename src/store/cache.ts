// The `cache` baseline: results saved with @actions/cache on default-branch pushes, restored by key prefix so the newest wins.
import { InputError } from '../util/errors.js';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseResults, type Results } from '../schema/results.js';
import { getErrorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { labelSlug } from '../util/label.js';
import type { BaselineStore } from './types.js';

/**
 * The two calls of @actions/cache the store makes. They talk to the Actions cache service
 * (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL with ACTIONS_RUNTIME_TOKEN), not the REST API, so the
 * store takes them as an object: the default is @actions/cache, tests pass a fake that keeps the
 * service's rules (exact key first, then each restore key as a prefix, newest entry wins).
 */
export interface CacheService {
  /** The key that matched, or undefined on a miss. */
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  /** The cache id; -1 (or a throw) when it was not saved. */
  saveCache(paths: string[], key: string): Promise<number>;
}

export async function defaultCacheService(): Promise<CacheService> {
  const cache = await import('@actions/cache');
  return {
    restoreCache: (paths, primaryKey, restoreKeys) => cache.restoreCache(paths, primaryKey, restoreKeys),
    saveCache: (paths, key) => cache.saveCache(paths, key),
  };
}

/**
 * Key prefix for a label. `@` ends the label part because a label slug never contains one: with a
 * `-` there, restoring label `gpu` by prefix `…-gpu-` would also match label `gpu-4080`'s entries.
 */
export function baselineCachePrefix(label: string): string {
  return `llm-bench-baseline-${labelSlug(label)}@`;
}

export function baselineCacheKey(label: string, runId: number, runAttempt: number): string {
  return `${baselineCachePrefix(label)}${runId}-${runAttempt}`;
}

const FILE_NAME = 'baseline.json';

export interface CacheStoreOptions {
  service: CacheService;
  /**
   * Where cached baselines live on disk, one subdirectory per label. The cache version hashes the
   * path as written, so keep it identical between saving and restoring runners: a path relative to
   * the workspace (e.g. `.llm-bench/baseline`) is portable across self-hosted machines.
   */
  dir: string;
  /** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT: make each saved key unique. */
  runId: number;
  runAttempt: number;
  log?: Logger;
}

export class CacheBaselineStore implements BaselineStore {
  readonly kind = 'cache' as const;
  private readonly log: Logger;

  constructor(private readonly options: CacheStoreOptions) {
    this.log = options.log ?? silentLogger;
  }

  dirFor(label: string): string {
    return join(this.options.dir, labelSlug(label));
  }

  /**
   * The newest cached baseline for the label, or none when the cache holds none (a genuine absence). A cache service
   * that fails, or a cached file that cannot be read, is an error: the gate never reads "no baseline" into a failure.
   */
  async load(label: string): Promise<Results[]> {
    const dir = this.dirFor(label);
    const prefix = baselineCachePrefix(label);
    try {
      // A leftover file from an earlier step must not pass for a restored baseline.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const matched = await this.options.service.restoreCache([dir], prefix, [prefix]);
      if (!matched) {
        this.log.info(
          `No cached baseline for runner "${label}" (key prefix ${prefix}): it is saved on pushes to the default branch.`,
        );
        return [];
      }
      if (!matched.startsWith(prefix)) {
        this.log.warning(`The cache service returned key ${matched} for prefix ${prefix}; ignored.`);
        return [];
      }
      const file = join(dir, FILE_NAME);
      const where = `cache ${matched}: ${FILE_NAME}`;
      let data: unknown;
      try {
        data = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new InputError(`the cached baseline is not readable JSON: ${getErrorMessage(error)}`, { file: where });
      }
      const results = parseResults(data, where);
      if (results.runner.label !== label) {
        this.log.warning(
          `The cached baseline ${matched} was recorded on runner "${results.runner.label}", not "${label}"; ignored.`,
        );
        return [];
      }
      this.log.info(`Restored the baseline for runner "${label}" from cache key ${matched}.`);
      return [results];
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new Error(
        `could not restore the cached baseline for runner "${label}" (key prefix ${prefix}): ${getErrorMessage(error)}. ` +
          'The gate cannot judge without it; rerun the job, or use another baseline store (baseline: branch).',
      );
    }
  }

  /** Saves under a key unique to this run attempt. Never throws: a cache that cannot be written is a warning. */
  async save(label: string, results: Results): Promise<void> {
    const dir = this.dirFor(label);
    const key = baselineCacheKey(label, this.options.runId, this.options.runAttempt);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, FILE_NAME), `${JSON.stringify(results)}\n`, 'utf8');
      const id = await this.options.service.saveCache([dir], key);
      if (id === -1) {
        this.log.warning(`The baseline cache ${key} was not saved (see the cache warning above).`);
        return;
      }
      this.log.info(`Saved the baseline for runner "${label}" as cache key ${key}.`);
    } catch (error) {
      this.log.warning(`Could not save the baseline cache ${key}: ${getErrorMessage(error)}`);
    }
  }
}
