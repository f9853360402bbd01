// Import of llama.cpp's llama-bench output (`-o json` or `-o jsonl`) into llm-bench/results@1, so existing llama.cpp
// measurements join the comparison and the history. One case per model × parameter set; the samples of its `pp` test
// are prefill_tps and of its `tg` test decode_tps (samples_ts, tokens per second, one per repetition).
import { InputError } from '../util/errors.js';
import { RESULTS_SCHEMA, parseResults, type CaseResult, type Results } from '../schema/results.js';
import { sha256Text } from '../io/files.js';
import { TOOL_VERSION } from '../version.js';

/** llama-bench fields that describe the test rather than the configuration (they never split cases). */
const TEST_FIELDS = new Set([
  'build_commit',
  'build_number',
  'cpu_info',
  'gpu_info',
  'backends',
  'model_filename',
  'model_type',
  'model_size',
  'model_n_params',
  'n_prompt',
  'n_gen',
  'n_depth',
  'test_time',
  'avg_ns',
  'stddev_ns',
  'avg_ts',
  'stddev_ts',
  'samples_ns',
  'samples_ts',
]);

/** Configuration fields kept as case params when they vary, or always for the usual ones. */
const ALWAYS_PARAMS = ['n_threads', 'n_gpu_layers', 'n_batch', 'n_ubatch', 'type_k', 'type_v', 'flash_attn'];

type Scalar = string | number | boolean;

function records(text: string, file: string): Array<Record<string, unknown>> {
  const trimmed = text.trim();
  if (!trimmed)
    throw new InputError('the file is empty; expected llama-bench output from -o json or -o jsonl', { file });
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`not valid JSON (llama-bench -o json writes one array): ${(error as Error).message}`, {
        file,
      });
    }
    if (!Array.isArray(data)) throw new InputError('expected a JSON array of llama-bench tests', { file });
    return data.map((r, i) => checkRecord(r, file, `[${i}]`));
  }
  return trimmed.split(/\r?\n/).flatMap((line, i) => {
    if (!line.trim()) return [];
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new InputError(`line ${i + 1} is not JSON; expected llama-bench -o jsonl (one test per line) or -o json`, {
        file,
      });
    }
    return [checkRecord(data, file, `line ${i + 1}`)];
  });
}

function checkRecord(data: unknown, file: string, where: string): Record<string, unknown> {
  const r = data as Record<string, unknown> | null;
  const fail = (what: string): never => {
    throw new InputError(`${what}; is this llama.cpp's llama-bench output (-o json / -o jsonl)?`, {
      file,
      path: where,
    });
  };
  if (r === null || typeof r !== 'object' || Array.isArray(r)) fail('expected an object per test');
  for (const key of ['n_prompt', 'n_gen']) if (typeof r![key] !== 'number') fail(`expected a number in ${key}`);
  const samples = r!.samples_ts;
  if (
    !Array.isArray(samples) ||
    samples.length === 0 ||
    !samples.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
  ) {
    fail('expected samples_ts, a list of non-negative numbers');
  }
  if (typeof r!.model_filename !== 'string') fail('expected model_filename');
  return r!;
}

const scalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export interface LlamaBenchImportOptions {
  /** The runner label the imported results are keyed by (required: llama-bench does not know it). */
  label: string;
  /** The file name, for error messages and the results' config entry. */
  file: string;
  /** Runner facts llama-bench does not print (os, arch, cores, memory); unknown ones stay "unknown" / 0. */
  runner?: { os?: string; arch?: string; cores?: number; memory_bytes?: number };
}

/**
 * llama-bench output → results@1. Tests of one model and one configuration (every field but the test's own)
 * form one case: its `pp<N>` test gives prefill_tps samples, its `tg<N>` test decode_tps samples; a `pp<N>+tg<M>`
 * test (-pg) gives `pg_tps`. Case ids are `<model file name>/<test names>` plus the params that differ between cases.
 */
export function importLlamaBench(text: string, opts: LlamaBenchImportOptions): Results {
  const recs = records(text, opts.file);
  const configKey = (r: Record<string, unknown>): string =>
    JSON.stringify(
      Object.keys(r)
        .filter((k) => !TEST_FIELDS.has(k))
        .sort()
        .map((k) => [k, r[k]])
        .concat([['model_filename', r.model_filename]]),
    );
  const groups = new Map<string, Array<Record<string, unknown>>>();
  for (const r of recs) {
    const key = configKey(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  // Params: the usual ones always, plus any configuration field whose value differs between groups.
  const first = [...groups.values()].map((g) => g[0]!);
  const varying = new Set<string>();
  for (const k of new Set(first.flatMap((r) => Object.keys(r)))) {
    if (TEST_FIELDS.has(k) || !first.every((r) => scalar(r[k]) || r[k] === undefined)) continue;
    if (new Set(first.map((r) => JSON.stringify(r[k]))).size > 1) varying.add(k);
  }
  const paramKeys = [...new Set([...ALWAYS_PARAMS, ...varying])].filter((k) => first.some((r) => scalar(r[k])));
  const cases: CaseResult[] = [];
  const starts: string[] = [];
  for (const group of groups.values()) {
    const head = group[0]!;
    const model = String(head.model_filename);
    const modelName = model.split(/[\\/]/).pop() || model;
    const params: Record<string, Scalar> = {};
    for (const k of paramKeys) if (scalar(head[k])) params[k] = head[k] as Scalar;
    const samples: Record<string, number[]> = {};
    const tests: string[] = [];
    let maxTokens = 1;
    for (const r of group) {
      const np = r.n_prompt as number;
      const ng = r.n_gen as number;
      const depth = typeof r.n_depth === 'number' && r.n_depth > 0 ? `@d${r.n_depth}` : '';
      const metric = np > 0 && ng === 0 ? 'prefill_tps' : ng > 0 && np === 0 ? 'decode_tps' : 'pg_tps';
      const name = (np > 0 && ng === 0 ? `pp${np}` : ng > 0 && np === 0 ? `tg${ng}` : `pp${np}+tg${ng}`) + depth;
      if (samples[metric]) {
        throw new InputError(
          `two ${metric} tests for ${modelName} with the same configuration (${tests.join(', ')}, ${name}): import them from separate files`,
          { file: opts.file },
        );
      }
      samples[metric] = [...(r.samples_ts as number[])];
      tests.push(name);
      maxTokens = Math.max(maxTokens, ng);
      if (typeof r.test_time === 'string') starts.push(r.test_time);
    }
    const varyingText = [...varying]
      .filter((k) => k in params)
      .map((k) => `${k}=${params[k]}`)
      .join(',');
    const promptId = tests.join('+');
    cases.push({
      id: `${modelName}/${promptId}${varyingText ? `/${varyingText}` : ''}`,
      model: {
        id: modelName,
        name: model,
        source: 'path',
        ...(typeof head.model_type === 'string' ? { quantization: head.model_type.split(' ').pop()! } : {}),
        ...(typeof head.model_n_params === 'number' ? { parameter_count: head.model_n_params } : {}),
        ...(typeof head.model_size === 'number' ? { size_bytes: head.model_size } : {}),
      },
      params,
      prompt: { id: promptId, sha256: sha256Text(promptId), chars: 0, max_tokens: maxTokens },
      samples,
      errors: [],
      requests: { ok: Math.max(...Object.values(samples).map((s) => s.length)), failed: 0 },
    });
  }
  const h = recs[0]!;
  const results = {
    schema: RESULTS_SCHEMA,
    tool: { name: 'llm-bench', version: TOOL_VERSION },
    started_at: starts.sort()[0] ?? new Date(0).toISOString(),
    finished_at: starts.sort().at(-1) ?? new Date(0).toISOString(),
    status: 'complete',
    runner: {
      label: opts.label,
      os: opts.runner?.os ?? 'unknown',
      arch: opts.runner?.arch ?? 'unknown',
      cpu: typeof h.cpu_info === 'string' && h.cpu_info ? h.cpu_info : 'unknown',
      cores: opts.runner?.cores ?? 0,
      memory_bytes: opts.runner?.memory_bytes ?? 0,
      gpus:
        typeof h.gpu_info === 'string' && h.gpu_info
          ? h.gpu_info.split(',').map((name) => ({ name: name.trim() }))
          : [],
    },
    engine: {
      kind: 'llama-bench',
      version: `${String(h.build_number ?? '?')} (${String(h.build_commit ?? '?')})`,
      ...(typeof h.build_commit === 'string' ? { build_commit: h.build_commit } : {}),
      ...(typeof h.build_number === 'number' ? { build_number: h.build_number } : {}),
      ...(typeof h.backends === 'string' ? { backends: h.backends } : {}),
      ...(typeof h.cpu_info === 'string' ? { cpu_info: h.cpu_info } : {}),
      ...(typeof h.gpu_info === 'string' ? { gpu_info: h.gpu_info } : {}),
    },
    config: { path: opts.file },
    options: {},
    workload: { imported_from: 'llama-bench', repetitions: Math.max(...cases.map((c) => c.requests.ok)) },
    metrics: cases.some((c) => c.samples.pg_tps)
      ? {
          pg_tps: {
            direction: 'higher',
            unit: 'tok/s',
            description: 'llama-bench -pg: prompt and generation tokens ÷ time',
          },
        }
      : {},
    cases,
    notes: [`imported from llama-bench output ${opts.file}`],
  };
  // What llm-bench itself would write is validated the same way.
  return parseResults(results, opts.file);
}
