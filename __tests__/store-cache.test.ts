// The `cache` baseline store with a fake of the Actions cache service that keeps its matching rules.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { makeResults, recordingLogger } from './peers/github-server.js';
import { CacheBaselineStore, baselineCacheKey, baselineCachePrefix, type CacheService } from '../src/store/cache.js';
import { parseResults, type Results } from '../src/schema/results.js';

/**
 * Behaves like the Actions cache service as @actions/cache exposes it: entries are scoped by a
 * version derived from the paths; restore tries the primary key exactly, then each restore key as
 * a prefix, and the newest matching entry wins; saving an existing key is refused (-1, as
 * saveCache answers a ReserveCacheError); keys with commas or over 512 characters are invalid.
 */
class FakeCacheService implements CacheService {
  readonly entries: Array<{ key: string; version: string; createdAt: number; files: Map<string, Buffer> }> = [];
  readonly calls: string[] = [];
  private clock = 0;

  private static version(paths: string[]): string {
    return paths.join('|');
  }

  private static validate(key: string): void {
    if (key.length > 512) throw new Error(`Key Validation Error: ${key} cannot be larger than 512 characters.`);
    if (key.includes(',')) throw new Error(`Key Validation Error: ${key} cannot contain commas.`);
  }

  async saveCache(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`);
    FakeCacheService.validate(key);
    const version = FakeCacheService.version(paths);
    if (this.entries.some((e) => e.key === key && e.version === version)) return -1;
    const files = new Map<string, Buffer>();
    for (const root of paths) {
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const full = join(entry.parentPath, entry.name);
        files.set(join(root, relative(root, full)), await readFile(full));
      }
    }
    this.entries.push({ key, version, createdAt: ++this.clock, files });
    return this.entries.length;
  }

  async restoreCache(paths: string[], primaryKey: string, restoreKeys: string[] = []): Promise<string | undefined> {
    this.calls.push(`restore ${primaryKey} [${restoreKeys.join(' ')}]`);
    for (const k of [primaryKey, ...restoreKeys]) FakeCacheService.validate(k);
    const version = FakeCacheService.version(paths);
    const scoped = this.entries.filter((e) => e.version === version);
    const newest = (match: (key: string) => boolean) =>
      scoped.filter((e) => match(e.key)).sort((a, b) => b.createdAt - a.createdAt)[0];
    let hit = newest((key) => key === primaryKey);
    for (const prefix of restoreKeys) hit ??= newest((key) => key.startsWith(prefix));
    if (!hit) return undefined;
    for (const [path, data] of hit.files) {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, data);
    }
    return hit.key;
  }
}

let dir: string;
let service: FakeCacheService;
const results = (label: string, minute: number): Results =>
  parseResults(
    makeResults(label, { startedAt: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z` }),
    'fixture',
  );
const store = (
  runId: number,
  extra: { log?: ReturnType<typeof recordingLogger>; service?: CacheService; dir?: string } = {},
) =>
  new CacheBaselineStore({
    service: extra.service ?? service,
    dir: extra.dir ?? join(dir, 'baseline'),
    runId,
    runAttempt: 1,
    log: extra.log,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  service = new FakeCacheService();
});

describe('cache store', () => {
  it('keys are unique per run attempt and end the label with a character a label cannot contain', () => {
    expect(baselineCacheKey('gpu', 42, 2)).toBe('llm-bench-baseline-gpu@42-2');
    expect(baselineCachePrefix('gpu')).toBe('llm-bench-baseline-gpu@');
    expect(baselineCacheKey('gpu-4080', 42, 2).startsWith(baselineCachePrefix('gpu'))).toBe(false);
    expect(baselineCacheKey('a,b', 1, 1)).not.toContain(',');
  });

  it('without a saved baseline: no baseline and a message saying when one is saved', async () => {
    const log = recordingLogger();
    expect(await store(1, { log }).load('gpu')).toEqual([]);
    expect(log.lines.info[0]).toContain('saved on pushes to the default branch');
    expect(service.calls).toEqual(['restore llm-bench-baseline-gpu@ [llm-bench-baseline-gpu@]']);
  });

  it('restores the newest save for the label by prefix, not a newer one of a label sharing its prefix', async () => {
    await store(100).save('gpu', results('gpu', 1));
    await store(101).save('gpu', results('gpu', 2));
    await store(102).save('gpu-4080', results('gpu-4080', 3));
    const log = recordingLogger();
    const loaded = await store(200, { log }).load('gpu');
    expect(loaded.map((r) => [r.runner.label, r.started_at])).toEqual([['gpu', '2026-11-22T10:02:00.000Z']]);
    expect(log.lines.info).toEqual([
      'Restored the baseline for runner "gpu" from cache key llm-bench-baseline-gpu@101-1.',
    ]);
    expect((await store(201).load('gpu-4080'))[0]!.started_at).toBe('2026-11-22T10:03:00.000Z');
  });

  it('a leftover file from an earlier step is not mistaken for a restored baseline', async () => {
    const s = store(1);
    await mkdir(s.dirFor('gpu'), { recursive: true });
    await writeFile(join(s.dirFor('gpu'), 'baseline.json'), JSON.stringify(results('gpu', 9)));
    expect(await s.load('gpu')).toEqual([]);
  });

  it('a different cache path is a different version: a miss, which is why the path must stay the same', async () => {
    await store(1).save('gpu', results('gpu', 1));
    expect(await store(2, { dir: join(dir, 'elsewhere') }).load('gpu')).toEqual([]);
  });

  it('saving the same key twice is refused by the service and only warns', async () => {
    const log = recordingLogger();
    await store(7).save('gpu', results('gpu', 1));
    await store(7, { log }).save('gpu', results('gpu', 2));
    expect(log.lines.warning).toEqual([
      'The baseline cache llm-bench-baseline-gpu@7-1 was not saved (see the cache warning above).',
    ]);
  });

  it('a cache service failure on load fails (never "no baseline"); on save it only warns', async () => {
    const broken: CacheService = {
      restoreCache: async () => {
        throw new Error('Cache service responded with 503');
      },
      saveCache: async () => {
        throw new Error('Cache service responded with 503');
      },
    };
    const log = recordingLogger();
    await expect(store(1, { service: broken, log }).load('gpu')).rejects.toThrow(
      /^could not restore the cached baseline for runner "gpu" \(key prefix .*\): Cache service responded with 503\. The gate cannot judge without it/,
    );
    await store(1, { service: broken, log }).save('gpu', results('gpu', 1));
    expect(log.lines.warning).toHaveLength(1);
    expect(log.lines.warning[0]).toContain('503');
  });

  it('a corrupt cached baseline is an error naming the cache entry, never "no baseline"', async () => {
    await store(1).save('gpu', results('gpu', 1));
    service.entries[0]!.files = new Map([
      [join(store(1).dirFor('gpu'), 'baseline.json'), Buffer.from('{"schema":"llm-bench/results@1"')],
    ]);
    await expect(store(2).load('gpu')).rejects.toThrow(/^cache .*: baseline\.json: /);
  });
});
