// Every untrusted string of a verdict cut to a length a report can afford, before anything is laid out.
import type { CaseVerdict, MetricVerdict, RunMeta, Verdict } from '../schema/verdict.js';
import { capUntrusted, UNTRUSTED_MAX } from './escape.js';

/** Notes and reasons are sentences built around untrusted names: longer, still bounded. */
const NOTE_MAX = 300;

const cap = (s: string): string => capUntrusted(s, UNTRUSTED_MAX);
const capOpt = (s: string | undefined): string | undefined => (s === undefined ? undefined : cap(s));
const note = (s: string): string => capUntrusted(s, NOTE_MAX);

function capRecordKeys<T>(record: Record<string, T>, value: (v: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) out[cap(k)] = value(v);
  return out;
}

function capRun(meta: RunMeta): RunMeta {
  const r = meta.runner;
  return {
    ...meta,
    tool_version: cap(meta.tool_version),
    runner: {
      ...r,
      label: cap(r.label),
      os: cap(r.os),
      arch: cap(r.arch),
      cpu: cap(r.cpu),
      ...(r.release !== undefined ? { release: cap(r.release) } : {}),
      gpus: r.gpus.map((g) => ({
        ...g,
        name: cap(g.name),
        ...(g.driver !== undefined ? { driver: cap(g.driver) } : {}),
      })),
    },
    engine: {
      ...meta.engine,
      kind: cap(meta.engine.kind),
      version: cap(meta.engine.version),
      ...(meta.engine.host !== undefined ? { host: cap(meta.engine.host) } : {}),
    },
    ...(meta.git
      ? {
          git: {
            ...(meta.git.sha !== undefined ? { sha: cap(meta.git.sha) } : {}),
            ...(meta.git.ref !== undefined ? { ref: cap(meta.git.ref) } : {}),
          },
        }
      : {}),
  };
}

function capMetric(m: MetricVerdict): MetricVerdict {
  return { ...m, metric: cap(m.metric), unit: cap(m.unit), ...(m.note !== undefined ? { note: note(m.note) } : {}) };
}

function capModel(model: CaseVerdict['model']): CaseVerdict['model'] {
  return {
    ...model,
    id: cap(model.id),
    name: cap(model.name),
    ...(model.source !== undefined ? { source: capOpt(model.source)! } : {}),
    ...(model.quantization !== undefined ? { quantization: capOpt(model.quantization)! } : {}),
    ...(model.parameter_size !== undefined ? { parameter_size: capOpt(model.parameter_size)! } : {}),
    ...(model.family !== undefined ? { family: capOpt(model.family)! } : {}),
    ...(model.digest !== undefined ? { digest: capOpt(model.digest)! } : {}),
  };
}

/**
 * The verdict with every string that came from a config, a server or a results file cut to 80 characters (notes and
 * reasons to 300) with "…": one 10,000-character label or unit cannot eat a comment's budget.
 */
export function capVerdictStrings(verdict: Verdict): Verdict {
  return {
    ...verdict,
    settings: {
      ...verdict.settings,
      headline_metric: cap(verdict.settings.headline_metric),
      ...(verdict.settings.gate_changes ? { gate_changes: verdict.settings.gate_changes.map(note) } : {}),
    },
    ...(verdict.incomplete
      ? { incomplete: { ...verdict.incomplete, reasons: verdict.incomplete.reasons.map(note) } }
      : {}),
    runs: verdict.runs.map((r) => ({
      ...r,
      label: cap(r.label),
      base: r.base ? capRun(r.base) : null,
      head: capRun(r.head),
      notes: r.notes.map(note),
    })),
    metrics: capRecordKeys(verdict.metrics, (m) => ({ ...m, unit: cap(m.unit), description: note(m.description) })),
    summary: { ...verdict.summary, geomean: capRecordKeys(verdict.summary.geomean, (g) => g) },
    cases: verdict.cases.map((c) => ({
      ...c,
      label: cap(c.label),
      id: cap(c.id),
      prompt_id: cap(c.prompt_id),
      model: capModel(c.model),
      ...(c.base_model ? { base_model: capModel(c.base_model) } : {}),
      params: Object.fromEntries(
        Object.entries(c.params).map(([k, v]) => [cap(k), typeof v === 'string' ? cap(v) : v]),
      ),
      metrics: capRecordKeys(c.metrics, capMetric),
    })),
    notes: verdict.notes.map(note),
  };
}
