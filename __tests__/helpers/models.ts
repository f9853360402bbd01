// Generated GGUF models for tests, kept under <repo>/.cache/models/ and made once per shape and seed.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeModel, modelFileName } from '../../src/model/make.js';
import type { PresetName } from '../../src/model/presets.js';

export const MODEL_CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.cache/models');

const pending = new Map<string, Promise<string>>();

/**
 * The path of the preset's model, generating it when absent. Safe when several test files ask at
 * once: makeModel writes a temporary file and renames it, so a reader sees a whole file or none, and
 * two processes generating the same model end with the same bytes.
 */
export function ensureModel(preset: PresetName, seed = 1): Promise<string> {
  const file = path.join(MODEL_CACHE_DIR, modelFileName(preset, seed));
  let promise = pending.get(file);
  if (!promise) {
    promise = access(file).then(
      () => file,
      async () => (await makeModel({ out: file, preset, seed })).path,
    );
    // A failed generation must not poison later calls.
    promise.catch(() => pending.delete(file));
    pending.set(file, promise);
  }
  return promise;
}
