// `llm-bench sweep` and `llm-bench soak`: what a matrix run means (best configuration, ties, what matters), and what
// a long run says about readiness (success, drift, outages, cold start), from the files a run already writes.
import { readFile } from 'node:fs/promises';
import { analyseSweep, bestOptionsYaml, heatmap, type SweepConstraint, type SweepGroup } from '../../compare/sweep.js';
import { analyseSoak, type SoakAnalysis, type SoakRequest } from '../../compare/soak.js';
import { escapeMarkdown } from '../../report/escape.js';
import { InputError, getErrorMessage } from '../../util/errors.js';
import { checkOutputPaths, writeFileAtomic } from '../../io/files.js';
import { readResults } from './compare.js';
import type { CliContext } from './run.js';
import { EXIT } from '../exit.js';

const esc = (s: unknown): string => escapeMarkdown(String(s), { maxLength: 80 });
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());
const pct = (r: number): string => `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(1)}%`;

/** `ttft_ms:max=500`, `success_rate:min=0.99`, `ttft_ms:max=500:p90`. */
export function parseConstraint(text: string): [string, SweepConstraint] {
  const m = /^([a-z][a-z0-9_]*):(min|max)=(-?\d+(?:\.\d+)?)(?::p(\d{1,2}))?$/.exec(text.trim());
  if (!m)
    throw new InputError(
      `--constraint ${JSON.stringify(text)}: expected <metric>:min=<number> or <metric>:max=<number>, optionally :p<percentile> (e.g. ttft_ms:max=500:p90)`,
    );
  return [m[1]!, { [m[2]!]: Number(m[3]), ...(m[4] ? { quantile: Number(m[4]) / 100 } : {}) }];
}

function sweepMarkdown(groups: SweepGroup[]): string {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`### ${esc(g.model)} · ${esc(g.prompt)}`, '');
    if (!g.best) {
      out.push(`No configuration meets the constraints (${g.candidates.length} measured).`, '');
      continue;
    }
    const params = (p: Record<string, unknown>) =>
      Object.entries(p)
        .map(([k, v]) => `${esc(k)}=${esc(v)}`)
        .join(' ');
    out.push(
      `**Best for ${esc(g.objective.metric)} (${g.objective.goal}):** ${params(g.best.params)}: ${fmt(g.best.value)} ${esc(g.objective.unit)} (n=${g.best.n})` +
        (!g.resolvable
          ? `; with ${Math.min(...g.candidates.filter((c) => c.feasible).map((c) => c.n))} repetitions the ${g.candidates.filter((c) => c.feasible).length} configurations cannot be told apart by the test (run at least ${g.repetitionsNeeded}): this best is the largest median, not a significant winner`
          : g.equivalents.length
            ? `; not significantly different: ${g.equivalents.map((c) => `${params(c.params)} (${fmt(c.value)})`).join(', ')}`
            : '; every other configuration is significantly worse'),
      '',
    );
    if (g.effects.length) {
      out.push('| parameter | effect | levels (best at each ÷ overall best) |', '| --- | ---: | --- |');
      for (const e of g.effects)
        out.push(
          `| ${esc(e.param)} | ${(e.spread * 100).toFixed(1)}% | ${e.levels.map((l) => `${esc(l.value)}: ${l.ratio.toFixed(3)}`).join(' · ')} |`,
        );
      out.push('');
    }
    if (g.swept.length >= 2) {
      const [rowP, colP] = [g.effects[0]?.param ?? g.swept[0]!, g.effects[1]?.param ?? g.swept[1]!];
      const h = heatmap(g, rowP, colP);
      out.push(
        `| ${esc(rowP)} \\ ${esc(colP)} | ${h.cols.map(esc).join(' | ')} |`,
        `| --- |${h.cols.map(() => ' ---: |').join('')}`,
      );
      h.rows.forEach((r, i) =>
        out.push(
          `| ${esc(r)} | ${h.cells[i]!.map((v, j) => (v === null ? '—' : h.best && h.best[0] === i && h.best[1] === j ? `**${fmt(v)}** ★` : fmt(v))).join(' | ')} |`,
        ),
      );
      out.push('');
    }
    const excluded = g.candidates.filter((c) => !c.feasible);
    if (excluded.length)
      out.push(
        `Ruled out by the constraints: ${excluded.map((c) => `${params(c.params)} (${c.violations.map(esc).join('; ')})`).join(', ')}`,
        '',
      );
    out.push('```yaml', bestOptionsYaml(g)!.trimEnd(), '```', '');
  }
  return out.join('\n');
}

export async function sweepCommand(
  opts: {
    results: string;
    objective: string;
    goal?: 'max' | 'min';
    constraint?: string[];
    format: 'md' | 'json';
    out?: string;
  },
  ctx: CliContext,
): Promise<number> {
  if (opts.out)
    await checkOutputPaths([{ label: '--out', path: opts.out }], [{ label: '--results', path: opts.results }]);
  const constraints = Object.fromEntries((opts.constraint ?? []).map(parseConstraint));
  const results = await readResults(opts.results);
  if (!results.cases.some((c) => c.samples[opts.objective])) {
    throw new InputError(
      `--objective ${opts.objective}: no case of ${opts.results} measured it (measured: ${[...new Set(results.cases.flatMap((c) => Object.keys(c.samples)))].join(', ')})`,
    );
  }
  const groups = analyseSweep(results, {
    objective: { metric: opts.objective, ...(opts.goal ? { goal: opts.goal } : {}) },
    constraints,
  });
  const text = opts.format === 'json' ? `${JSON.stringify(groups, null, 2)}\n` : sweepMarkdown(groups);
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out}`);
  } else ctx.print(text.replace(/\n$/, ''));
  return EXIT.pass;
}

/** The requests of a run from its `<out>.jsonl` journal: samples and failures of measured repetitions, in time order. */
export function requestsFromJournal(text: string, file: string, maxTokens: Record<string, number> = {}): SoakRequest[] {
  const events: Array<{ at: number; type: string; e: Record<string, unknown> }> = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InputError(`line ${i + 1} is not JSON; expected the <out>.jsonl journal llm-bench run writes`, {
        file,
      });
    }
    const at = typeof e.at === 'string' ? Date.parse(e.at) : Number.NaN;
    if (!Number.isFinite(at) || typeof e.type !== 'string')
      throw new InputError(`line ${i + 1}: expected an event with "at" and "type"`, { file });
    events.push({ at, type: e.type, e });
  });
  const measured = events.filter(
    (x) =>
      (x.type === 'sample' || x.type === 'error') &&
      typeof x.e.repetition === 'number' &&
      (x.e.repetition as number) >= 0,
  );
  if (measured.length === 0) throw new InputError('no measured requests in the journal', { file });
  const start = Math.min(...events.map((x) => x.at));
  return measured
    .sort((a, b) => a.at - b.at)
    .map((x) => {
      const t_s = (x.at - start) / 1000;
      const max = maxTokens[String(x.e.case)];
      if (x.type === 'error') return { t_s, ok: false, kind: typeof x.e.kind === 'string' ? x.e.kind : 'engine' };
      const m = (x.e.metrics ?? {}) as Record<string, number>;
      return {
        t_s,
        ok: true,
        ...(typeof m.e2e_ms === 'number' ? { e2e_ms: m.e2e_ms } : {}),
        ...(typeof m.ttft_ms === 'number' ? { ttft_ms: m.ttft_ms } : {}),
        ...(typeof m.decode_tps === 'number' ? { decode_tps: m.decode_tps } : {}),
        ...(max !== undefined ? { max_tokens: max } : {}),
      };
    });
}

function soakMarkdown(a: SoakAnalysis, file: string): string {
  const out = [
    `### Soak: ${esc(file)}`,
    '',
    `${a.requests} requests over ${(a.duration_s / 60).toFixed(1)} minutes: ${a.success.ok} succeeded (${(a.success.rate * 100).toFixed(2)}%, 95% interval ${(a.success.ci[0] * 100).toFixed(2)}–${(a.success.ci[1] * 100).toFixed(2)}%)` +
      (a.success.failed
        ? `; failures by kind: ${Object.entries(a.success.byKind)
            .map(([k, n]) => `${esc(k)} ${n}`)
            .join(', ')}`
        : '') +
      '.',
    '',
    '| metric | drift per hour | 95% interval (per hour) | p (Mann–Kendall) | |',
    '| --- | ---: | --- | ---: | --- |',
    ...Object.entries(a.drift).map(
      ([m, d]) =>
        `| ${m} | ${pct(d.pctPerHour)} | ${fmt(d.perHourCi[0])} … ${fmt(d.perHourCi[1])} | ${d.pValue < 0.001 ? '<0.001' : d.pValue.toFixed(3)} | ${d.significant ? '⚠️ drifts' : '~'} |`,
    ),
    '',
    `Memory: ${a.leak.verdict === 'leak' ? '⚠️ leak: ' : ''}${esc(a.leak.note)}.`,
  ];
  if (a.outages.length)
    out.push(
      '',
      `Outages: ${a.outages.map((o) => `at ${fmt(o.start_s)} s, ${o.failures} failed, ${o.duration_s === undefined ? 'not recovered' : `recovered after ${fmt(o.duration_s)} s`}`).join('; ')}.`,
    );
  if (a.cold?.decode_ratio !== undefined)
    out.push(
      '',
      `Cold start: the first request decoded at ${fmt(a.cold.decode_tps!)} tok/s, ${fmt(1 / a.cold.decode_ratio)}× slower than warm (${fmt(a.cold.warm_decode_tps!)} tok/s).`,
    );
  if (a.byOutputLength)
    out.push(
      '',
      `Decode speed by output length: ${a.byOutputLength.points.map((p) => `${p.max_tokens} tokens ${fmt(p.decode_tps)} tok/s`).join(', ')}; ${(a.byOutputLength.dropPerDoubling * 100).toFixed(1)}% slower per doubling.`,
    );
  return `${out.join('\n')}\n`;
}

export async function soakCommand(
  opts: { journal: string; results?: string; format: 'md' | 'json'; out?: string },
  ctx: CliContext,
): Promise<number> {
  const inputs = [
    { label: '--journal', path: opts.journal },
    ...(opts.results ? [{ label: '--results', path: opts.results }] : []),
  ];
  if (opts.out) await checkOutputPaths([{ label: '--out', path: opts.out }], inputs);
  let text: string;
  try {
    text = await readFile(opts.journal, 'utf8');
  } catch (error) {
    throw new InputError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'the journal does not exist (llm-bench run writes it beside --out as <out>.jsonl)'
        : getErrorMessage(error),
      { file: opts.journal },
    );
  }
  const maxTokens = opts.results
    ? Object.fromEntries((await readResults(opts.results)).cases.map((c) => [c.id, c.prompt.max_tokens]))
    : {};
  const analysis = analyseSoak(requestsFromJournal(text, opts.journal, maxTokens), []);
  const rendered =
    opts.format === 'json' ? `${JSON.stringify(analysis, null, 2)}\n` : soakMarkdown(analysis, opts.journal);
  if (opts.out) {
    await writeFileAtomic(opts.out, rendered);
    ctx.log(`wrote ${opts.out}`);
  } else ctx.print(rendered.replace(/\n$/, ''));
  return EXIT.pass;
}
