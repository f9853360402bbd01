// Expands models × matrix × prompts into cases with stable ids. Pure.
import type { Config, ModelSpec, PromptSpec } from '../config/parse.js';
import type { ParamValue } from '../schema/results.js';

export interface PlannedCase {
  /** `model/prompt` or `model/prompt/k=v,k=v` (matrix keys sorted): stable across runs and config edits. */
  id: string;
  model: ModelSpec;
  prompt: PromptSpec;
  /** The swept values that make this case (they are part of its id). */
  params: Record<string, ParamValue>;
  /** Fixed options and swept values together: what the engine is given. */
  options: Record<string, ParamValue | ParamValue[]>;
}

export function formatParams(params: Record<string, ParamValue>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(',');
}

export function caseId(modelId: string, promptId: string, params: Record<string, ParamValue>): string {
  const p = formatParams(params);
  return p ? `${modelId}/${promptId}/${p}` : `${modelId}/${promptId}`;
}

/** Every combination of the matrix values, keys in sorted order so the expansion is stable. */
export function matrixCombinations(matrix: Record<string, ParamValue[]>): Record<string, ParamValue>[] {
  let combos: Record<string, ParamValue>[] = [{}];
  for (const key of Object.keys(matrix).sort()) {
    combos = combos.flatMap((c) => matrix[key]!.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

export function planCases(config: Pick<Config, 'models' | 'prompts' | 'matrix' | 'options'>): PlannedCase[] {
  const combos = matrixCombinations(config.matrix);
  const cases: PlannedCase[] = [];
  for (const model of config.models) {
    for (const params of combos) {
      for (const prompt of config.prompts) {
        cases.push({
          id: caseId(model.id, prompt.id, params),
          model,
          prompt,
          params,
          options: { ...config.options, ...params },
        });
      }
    }
  }
  return cases;
}
