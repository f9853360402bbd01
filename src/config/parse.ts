// Parses bench.yml text into a typed, validated Config. Pure: the text comes in, data goes out.
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type CompareSettings, type Gate, type Workload } from './schema.js';
import { ENGINE_OPTIONS, type EngineKind } from './engine-options.js';
import { InputError } from '../util/errors.js';
import { parseWith, issueMessage } from '../schema/validate.js';
import type { ParamValue } from '../schema/results.js';
import { BUILTIN_METRICS, LOAD_METRICS, isBuiltinMetric } from '../schema/metrics.js';

export interface ModelSpec {
  /** Stable key of the model in case ids: a PR can swap the model behind an id. */
  id: string;
  /** What the engine is asked for: an Ollama tag, a served model name, a GGUF path or URL. */
  name: string;
  source: 'name' | 'path' | 'url';
  sha256?: string;
}

export interface PromptSpec {
  id: string;
  text?: string;
  /** Prompt file, relative to the config file; read by the loader. */
  file?: string;
  max_tokens: number;
}

export interface Config {
  file: string;
  engine: EngineKind;
  host?: string;
  model_dir?: string;
  command?: string[];
  pull: 'missing' | 'always' | 'never';
  chat: boolean;
  api: 'chat' | 'completions';
  api_key_env?: string;
  models: ModelSpec[];
  options: Record<string, ParamValue | ParamValue[]>;
  matrix: Record<string, ParamValue[]>;
  prompts: PromptSpec[];
  workload: Workload;
  gates: Record<string, Gate>;
  compare: CompareSettings;
  calibration: { preset: 'tiny' | 'small' | 'medium'; max_tokens: number } | null;
}

/** Aliases a config may expand: plenty for real configs, far too few for a "billion laughs" alias bomb. */
const MAX_ALIAS_COUNT = 100;

function firstAliasLine(doc: Document, lines: LineCounter): string {
  let where = '';
  visit(doc, {
    Alias(_key, node) {
      const pos = node.range ? lines.linePos(node.range[0]) : undefined;
      where = pos ? ` (first alias at line ${pos.line}, column ${pos.col})` : '';
      return visit.BREAK;
    },
  });
  return where;
}

function yamlToData(text: string, file: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'YAML';
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
    throw new InputError(`YAML syntax error at ${where}: ${message}`, { file });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses documents whose aliases expand exponentially ("billion laughs").
    if (/alias/i.test(error instanceof Error ? error.message : '')) {
      throw new InputError(
        `YAML aliases expand to too much data${firstAliasLine(doc, lines)}; expected at most ${MAX_ALIAS_COUNT} alias expansions — write the values out instead`,
        { file },
      );
    }
    throw new InputError(
      `YAML cannot be read: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
      { file },
    );
  }
}

/** Metric names some engine or the load driver produces; custom ones come only from the command engine. */
export const KNOWN_METRICS: readonly string[] = [...Object.keys(BUILTIN_METRICS), ...Object.keys(LOAD_METRICS)];

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** "did you mean decode_tps? " for a near miss, else nothing. */
export function didYouMean(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 4)) ? `did you mean ${best}? ` : '';
}

function checkMetric(engine: EngineKind, name: string, file: string, path: string): void {
  // The command engine's program may print metrics of its own (with a direction), known only once it runs.
  if (engine === 'command' || KNOWN_METRICS.includes(name)) return;
  throw new InputError(
    `unknown metric '${name}': the ${engine} engine does not produce it; ${didYouMean(name, KNOWN_METRICS)}known metrics: ${KNOWN_METRICS.join(', ')}`,
    { file, path },
  );
}

function baseName(value: string): string {
  const last =
    value
      .replace(/[?#].*$/, '')
      .split(/[\\/]/)
      .filter(Boolean)
      .pop() ?? value;
  return last.replace(/\.gguf$/i, '');
}

function modelIdFrom(name: string): string {
  // Ids appear in case ids and reports: keep them readable and free of path separators.
  return (
    baseName(name)
      .replace(/[^A-Za-z0-9._:-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'model'
  );
}

const isUrl = (s: string): boolean => /^(hf:|https?:\/\/)/.test(s);

function modelSource(engine: EngineKind, e: { name?: string; path?: string; url?: string }): ModelSpec['source'] {
  if (e.path !== undefined) return 'path';
  if (e.url !== undefined || isUrl(e.name!)) return 'url';
  // The embedded engine loads files: a bare name is a path relative to the config.
  // Both run a GGUF file themselves: llama-cpp in process, llama-bench through the user's binary.
  return engine === 'llama-cpp' || engine === 'llama-bench' ? 'path' : 'name';
}

function checkEngineOption(engine: EngineKind, key: string, value: unknown, file: string, path: string): void {
  const table = ENGINE_OPTIONS[engine];
  const schema = table.options[key];
  if (!schema) {
    if (table.passThrough) return;
    const known = Object.keys(table.options).join(', ');
    throw new InputError(`unknown option '${key}' for engine ${engine} (known: ${known})`, { file, path });
  }
  const result = (schema as z.ZodType).safeParse(value);
  if (!result.success) {
    const { message } = issueMessage(result.error.issues[0]!, value);
    throw new InputError(`${message} for option '${key}' of engine ${engine}`, { file, path });
  }
}

export function parseConfig(text: string, file: string): Config {
  const data = yamlToData(text, file);
  if (data === null || data === undefined)
    throw new InputError('the config is empty; expected a mapping with engine, models and prompts', { file });
  if (typeof data !== 'object' || Array.isArray(data))
    throw new InputError('expected a mapping at the top level (engine:, models:, …)', { file });
  const raw = parseWith(configSchema, data, file);
  const engine = raw.engine as EngineKind;

  const models: ModelSpec[] = raw.models.map((entry) => {
    const e = typeof entry === 'string' ? { name: entry } : entry;
    const name = (e.name ?? e.path ?? e.url)!;
    const source = modelSource(engine, e);
    return {
      id: e.id ?? (source === 'name' ? name : modelIdFrom(name)),
      name,
      source,
      ...(e.sha256 ? { sha256: e.sha256 } : {}),
    };
  });
  const seenModels = new Map<string, number>();
  models.forEach((m, i) => {
    if (engine !== 'llama-cpp' && engine !== 'llama-bench' && m.source === 'path') {
      throw new InputError(
        `a model path is only for the llama-cpp and llama-bench engines; engine ${engine} takes model names`,
        { file, path: `models[${i}].path` },
      );
    }
    const before = seenModels.get(m.id);
    if (before !== undefined)
      throw new InputError(`duplicate model id "${m.id}" (also models[${before}]); give one an explicit id`, {
        file,
        path: `models[${i}]`,
      });
    seenModels.set(m.id, i);
  });

  const prompts: PromptSpec[] = raw.prompts.map((p, i) =>
    typeof p === 'string'
      ? { id: `prompt-${i + 1}`, text: p, max_tokens: 128 }
      : { id: p.id, text: p.text, file: p.file, max_tokens: p.max_tokens },
  );
  const seenPrompts = new Map<string, number>();
  prompts.forEach((p, i) => {
    const before = seenPrompts.get(p.id);
    if (before !== undefined)
      throw new InputError(`duplicate prompt id "${p.id}" (also prompts[${before}])`, {
        file,
        path: `prompts[${i}].id`,
      });
    seenPrompts.set(p.id, i);
  });

  const options: Record<string, ParamValue | ParamValue[]> = {};
  for (const [key, value] of Object.entries(raw.options)) {
    checkEngineOption(engine, key, value, file, `options.${key}`);
    options[key] = value as ParamValue | ParamValue[];
  }
  for (const [key, values] of Object.entries(raw.matrix)) {
    if (key in options)
      throw new InputError(`option '${key}' is both fixed in options and swept in matrix; keep one`, {
        file,
        path: `matrix.${key}`,
      });
    values.forEach((v, i) => checkEngineOption(engine, key, v, file, `matrix.${key}[${i}]`));
  }

  if (engine === 'command' && !raw.command)
    throw new InputError('the command engine needs `command:`, the program and its arguments as a list', {
      file,
      path: 'command',
    });
  if (raw.command && engine !== 'command')
    throw new InputError(`'command' is only for the command engine, not ${engine}`, { file, path: 'command' });
  if (raw.host && engine !== 'ollama' && engine !== 'openai')
    throw new InputError(`'host' is only for the ollama and openai engines, not ${engine}`, { file, path: 'host' });
  if (engine === 'openai' && !raw.host)
    throw new InputError('the openai engine needs `host:`, the server URL (e.g. http://127.0.0.1:8080)', {
      file,
      path: 'host',
    });

  for (const [metric, gate] of Object.entries(raw.gates)) {
    checkMetric(engine, metric, file, `gates.${metric}`);
    if (gate.min !== undefined && gate.max !== undefined && gate.min > gate.max) {
      throw new InputError(
        `min ${gate.min} is greater than max ${gate.max}; expected min ≤ max (no value could pass both)`,
        { file, path: `gates.${metric}` },
      );
    }
    if (gate.regression !== undefined && isBuiltinMetric(metric) && BUILTIN_METRICS[metric].direction === 'none') {
      throw new InputError(
        `${metric} is a count with no better direction, so a regression gate would never fire; expected min or max`,
        { file, path: `gates.${metric}.regression` },
      );
    }
  }
  checkMetric(engine, raw.compare.headline, file, 'compare.headline');

  const calibration =
    raw.calibration === false
      ? null
      : raw.calibration === true
        ? { preset: 'small' as const, max_tokens: 32 }
        : raw.calibration;

  return {
    file,
    engine,
    host: raw.host,
    model_dir: raw.model_dir,
    command: raw.command,
    pull: raw.pull,
    chat: raw.chat,
    api: raw.api,
    api_key_env: raw.api_key_env,
    models,
    options,
    matrix: raw.matrix,
    prompts,
    workload: raw.workload,
    gates: raw.gates,
    compare: raw.compare,
    calibration,
  };
}
