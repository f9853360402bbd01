// `llm-bench make-model`: generate a tiny GGUF model for tests, demos and calibration.
import { makeModel } from '../../model/make.js';
import type { CliContext } from './run.js';

export async function makeModelCommand(opts: { out: string; preset: 'tiny' | 'small' | 'medium'; seed: number }, ctx: CliContext): Promise<number> {
  const model = await makeModel({ out: opts.out, preset: opts.preset, seed: opts.seed });
  ctx.log(`wrote ${model.path}: ${opts.preset} preset, ${(model.sizeBytes / 1e6).toFixed(1)} MB, ${model.parameterCount.toLocaleString('en-US')} parameters, sha256 ${model.sha256}`);
  return 0;
}
