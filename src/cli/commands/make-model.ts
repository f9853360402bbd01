// `llm-bench make-model`: generate a GGUF model with random weights for tests, demos, calibration and benchmarks.
import { MODEL_TYPES, isModelType, makeModel } from '../../model/make.js';
import { SHAPES, SHAPE_NAMES, isShapeName } from '../../model/presets.js';
import { InputError } from '../../util/errors.js';
import type { CliContext } from './run.js';

export interface MakeModelCommandOptions {
  out: string;
  /** tiny, small or medium (default tiny). */
  preset?: string;
  /** A preset or a real model's shape (smollm2-135m, smollm2-360m, llama-3.2-1b); wins over --preset. */
  shape?: string;
  /** f32 (default), f16, q8_0 or q4_0. */
  type?: string;
  seed: number;
}

export async function makeModelCommand(opts: MakeModelCommandOptions, ctx: CliContext): Promise<number> {
  const shape = opts.shape ?? opts.preset ?? 'tiny';
  if (!isShapeName(shape))
    throw new InputError(`unknown shape "${shape}"; expected one of ${SHAPE_NAMES.join(', ')}`, {
      path: opts.shape ? '--shape' : '--preset',
    });
  const type = opts.type ?? 'f32';
  if (!isModelType(type))
    throw new InputError(`unknown type "${type}"; expected one of ${MODEL_TYPES.join(', ')}`, { path: '--type' });
  const started = Date.now();
  const model = await makeModel({ out: opts.out, preset: shape, type, seed: opts.seed });
  const what = SHAPES[shape].source ? `${shape} shape (${SHAPES[shape].source}, random weights)` : `${shape} preset`;
  ctx.log(
    `wrote ${model.path}: ${what}, ${type}, ${(model.sizeBytes / 1e6).toFixed(1)} MB, ${model.parameterCount.toLocaleString('en-US')} parameters, ` +
      `sha256 ${model.sha256}, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}
