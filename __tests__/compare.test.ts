// Comparison strategies on results built by a small factory: verdict kinds, gates, limits, A/B pairing under drift, history.
import { describe, expect, it } from 'vitest';
import {
  blockLogRatios,
  classifyChange,
  compareAB,
  compareResults,
  compareWithHistory,
  decideHistory,
  decideIndependent,
  decidePaired,
  decideRatioRule,
  type CompareSettingsInput,
  type GateInput,
} from '../src/compare/index.js';
import { pairedSensitivity } from '../src/compare/decide.js';
import { InputError } from '../src/util/errors.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { parseVerdict, type MetricVerdict, type Verdict } from '../src/schema/verdict.js';
import { seededRandom } from '../src/stats/random.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

// ---------------------------------------------------------------- factory

interface CaseSpec {
  id: string;
  samples: Record<string, number[]>;
  side?: 'base' | 'head';
  blocks?: number[];
  model?: string;
}

interface RunSpec {
  label?: string;
  cases: CaseSpec[];
  metrics?: Record<string, { direction: 'higher' | 'lower' | 'none'; unit: string }>;
  calibration?: number[];
  startedAt?: string;
  cpu?: string;
}

/** A results@1 document, validated by the real parser so fixtures cannot drift from the schema. */
function results(spec: RunSpec): Results {
  return parseResults(
    {
      schema: 'llm-bench/results@1',
      tool: { name: 'llm-bench', version: '0.1.0' },
      started_at: spec.startedAt ?? '2026-11-22T10:00:00.000Z',
      status: 'complete',
      runner: {
        label: spec.label ?? 'cpu-2core',
        os: 'linux',
        arch: 'x64',
        cpu: spec.cpu ?? 'Test CPU',
        cores: 2,
        memory_bytes: 8e9,
        gpus: [],
      },
      engine: { kind: 'llama-cpp', version: '3.22.1' },
      metrics: spec.metrics ?? {},
      cases: spec.cases.map((c) => ({
        id: c.id,
        ...(c.side ? { side: c.side } : {}),
        model: { id: c.id.split('/')[0], name: c.model ?? 'small.gguf' },
        params: {},
        prompt: { id: 'p1', sha256: 'ab', chars: 10, max_tokens: 32 },
        samples: c.samples,
        ...(c.blocks ? { blocks: c.blocks } : {}),
        errors: [],
        requests: { ok: 10, failed: 0 },
      })),
      ...(spec.calibration
        ? { calibration: { workload: 'reference small', samples: { decode_tps: spec.calibration } } }
        : {}),
    },
    'test-results.json',
  );
}

/** n normal samples around `centre` with coefficient of variation `cv`, from a seeded generator. */
function normalSamples(n: number, centre: number, cv: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0.001, centre * (1 + cv * z));
  });
}

function settings(
  over: Partial<CompareSettingsInput> & { gates?: Record<string, GateInput> } = {},
): CompareSettingsInput {
  return { alpha: 0.05, min_effect: 0.03, headline: 'decode_tps', gates: {}, ...over };
}

function metricOf(verdict: Verdict, caseId: string, metric: string, label?: string): MetricVerdict {
  const c = verdict.cases.find((x) => x.id === caseId && (label === undefined || x.label === label));
  if (!c) throw new Error(`no case ${caseId}`);
  const m = c.metrics[metric];
  if (!m) throw new Error(`no metric ${metric} in ${caseId}`);
  return m;
}

function compareOne(base: Results | null, head: Results, s = settings(), seed = 1): Verdict {
  const v = compareResults([{ label: head.runner.label, base, head }], s, { now: NOW, seed, iterations: 400 });
  parseVerdict(JSON.parse(JSON.stringify(v)), 'verdict.json'); // every verdict honours the verdict@1 contract
  return v;
}

const BASE_DECODE = normalSamples(10, 100, 0.02, 11);
const BASE_TTFT = normalSamples(10, 40, 0.02, 12);

// ---------------------------------------------------------------- run vs baseline

describe('compareResults: verdict per case and metric', () => {
  it.each([
    ['decode_tps 10% slower', 'decode_tps', BASE_DECODE, normalSamples(10, 90, 0.02, 21), 'regression'],
    ['decode_tps 10% faster', 'decode_tps', BASE_DECODE, normalSamples(10, 110, 0.02, 22), 'improvement'],
    ['decode_tps from the same distribution', 'decode_tps', BASE_DECODE, normalSamples(10, 100, 0.02, 23), 'unchanged'],
    [
      'decode_tps 2% slower, significant but under min_effect 3%',
      'decode_tps',
      BASE_DECODE,
      BASE_DECODE.map((v) => v * 0.98),
      'unchanged',
    ],
    ['ttft_ms 10% higher (lower is better)', 'ttft_ms', BASE_TTFT, normalSamples(10, 44, 0.02, 24), 'regression'],
    ['ttft_ms 10% lower', 'ttft_ms', BASE_TTFT, normalSamples(10, 36, 0.02, 25), 'improvement'],
  ] as const)('%s → %s', (_name, metric, base, head, expected) => {
    const v = compareOne(
      results({ cases: [{ id: 'm/p1', samples: { [metric]: [...base] } }] }),
      results({ cases: [{ id: 'm/p1', samples: { [metric]: [...head] } }] }),
    );
    const m = metricOf(v, 'm/p1', metric);
    expect(m.verdict).toBe(expected);
    expect(m.gated).toBe(true);
    expect(m.base?.n).toBe(10);
    expect(m.ratio).toBeCloseTo(m.head!.median / m.base!.median, 12);
    expect(m.ci![0]).toBeLessThanOrEqual(m.ratio!);
    expect(m.ci![1]).toBeGreaterThanOrEqual(m.ratio!);
    expect(m.threshold).toBe(0.03);
    expect(v.status).toBe(expected === 'regression' ? 'regression' : 'pass');
    expect(v.strategy).toBe('baseline');
    if (expected === 'regression' || expected === 'improvement') expect(m.p_value).toBeLessThan(0.05);
  });

  it('a significant 2% change is significant yet unchanged: the p-value alone never decides', () => {
    const v = compareOne(
      results({ cases: [{ id: 'm/p1', samples: { decode_tps: BASE_DECODE } }] }),
      results({ cases: [{ id: 'm/p1', samples: { decode_tps: BASE_DECODE.map((x) => x * 0.98) } }] }),
      settings({ min_effect: 0.0 }),
    );
    // With min_effect 0 the same data is a regression: min_effect is what kept it unchanged above.
    expect(metricOf(v, 'm/p1', 'decode_tps').verdict).toBe('regression');
  });

  it('cases only in head are new; cases only in base are missing and make the verdict incomplete, never a pass', () => {
    const base = results({
      cases: [
        { id: 'a/p1', samples: { decode_tps: BASE_DECODE } },
        { id: 'gone/p1', samples: { decode_tps: BASE_DECODE } },
      ],
    });
    const head = results({
      cases: [
        { id: 'a/p1', samples: { decode_tps: BASE_DECODE } },
        { id: 'fresh/p1', samples: { decode_tps: BASE_DECODE } },
      ],
    });
    const v = compareOne(base, head);
    expect(v.cases.map((c) => [c.id, c.status])).toEqual([
      ['a/p1', 'compared'],
      ['fresh/p1', 'new'],
      ['gone/p1', 'missing'],
    ]);
    expect(metricOf(v, 'fresh/p1', 'decode_tps')).toMatchObject({
      verdict: 'new',
      base: null,
      ratio: null,
      p_value: null,
    });
    expect(metricOf(v, 'gone/p1', 'decode_tps')).toMatchObject({ verdict: 'missing', head: null, ratio: null });
    expect(v.summary).toMatchObject({ new: 1, missing: 1, unchanged: 1, regressions: 0 });
    // A gated metric the head did not measure was not judged: not "no regression".
    expect(v.status).toBe('incomplete');
    expect(v.incomplete).toEqual({
      cancelled: false,
      reasons: [
        expect.stringMatching(
          /^1 gated metric the baseline has were not measured by the head \(gone\/p1 decode_tps\)$/,
        ),
      ],
    });
  });

  it('a missing case whose metrics do not gate leaves the verdict a pass', () => {
    const base = results({
      cases: [
        { id: 'a/p1', samples: { decode_tps: BASE_DECODE } },
        { id: 'gone/p1', samples: { itl_p99_ms: BASE_TTFT } },
      ],
    });
    const head = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const v = compareOne(base, head);
    expect(metricOf(v, 'gone/p1', 'itl_p99_ms')).toMatchObject({ verdict: 'missing', gated: false });
    expect(v.status).toBe('pass');
    expect(v.incomplete).toBeUndefined();
  });

  it('a partial or interrupted head run is incomplete with how far it got; a regression still wins', () => {
    const base = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const partial = {
      ...results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] }),
      status: 'partial' as const,
      interrupted: true,
      planned_repetitions: 16,
      completed_repetitions: 6,
    };
    const v = compareOne(base, partial);
    expect(v.status).toBe('incomplete');
    expect(v.incomplete).toEqual({
      cancelled: true,
      reasons: [expect.stringMatching(/interrupted .*: 6 of 16 repetitions ran$/)],
    });
    const slow = {
      ...partial,
      cases: [{ ...partial.cases[0]!, samples: { decode_tps: BASE_DECODE.map((x) => x * 0.8) } }],
    };
    const r = compareOne(base, slow);
    expect(r.status).toBe('regression');
    expect(r.incomplete?.cancelled).toBe(true);
    const crashed = { ...partial, status: 'running' as const, interrupted: undefined };
    expect(compareOne(base, crashed).incomplete).toEqual({
      cancelled: false,
      reasons: [expect.stringMatching(/never finished/)],
    });
  });

  it('a metric only one side measured is new or missing within a compared case', () => {
    const base = results({
      cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE, vram_mb: [500, 500, 500, 500] } }],
    });
    const head = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE, ttft_ms: BASE_TTFT } }] });
    const v = compareOne(base, head);
    expect(metricOf(v, 'a/p1', 'ttft_ms').verdict).toBe('new');
    expect(metricOf(v, 'a/p1', 'vram_mb').verdict).toBe('missing');
  });

  it('matches by id only: a swapped model behind the same id is compared, and the base model is recorded', () => {
    const base = results({
      cases: [{ id: 'assistant/p1', model: 'small.gguf', samples: { decode_tps: BASE_DECODE } }],
    });
    const head = results({
      cases: [{ id: 'assistant/p1', model: 'medium.gguf', samples: { decode_tps: normalSamples(10, 60, 0.02, 5) } }],
    });
    const c = compareOne(base, head).cases[0]!;
    expect(c.status).toBe('compared');
    expect(c.model.name).toBe('medium.gguf');
    expect(c.base_model?.name).toBe('small.gguf');
    expect(c.metrics.decode_tps!.verdict).toBe('regression');
  });

  it('a baseline of another runner label is an InputError naming both labels', () => {
    const base = results({ label: 'gpu-4080', cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const head = results({ label: 'rpi5', cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const run = (): Verdict =>
      compareResults([{ label: 'rpi5', base, head, baseFile: 'base.json', headFile: 'head.json' }], settings(), {
        now: NOW,
      });
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      /base\.json: runner\.label: baseline runner label "gpu-4080" differs from head runner label "rpi5"/,
    );
  });

  it('two head results for one label, and an A/B file used as a baseline, are InputErrors', () => {
    const head = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    expect(() =>
      compareResults(
        [
          { label: 'x', base: null, head },
          { label: 'x', base: null, head },
        ],
        settings(),
        { now: NOW },
      ),
    ).toThrow(/two head results for runner label "x"/);
    const ab = results({
      cases: [
        { id: 'a/p1', side: 'base', samples: { decode_tps: BASE_DECODE } },
        { id: 'a/p1', side: 'head', samples: { decode_tps: BASE_DECODE } },
      ],
    });
    expect(() => compareOne(ab, head)).toThrow(/case id "a\/p1" appears twice/);
  });

  it.each([
    ['base', 3, 10],
    ['head', 10, 2],
  ])('fewer than 4 samples on the %s side → unchanged with a note, never a failure', (_side, nBase, nHead) => {
    const v = compareOne(
      results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE.slice(0, nBase) } }] }),
      results({ cases: [{ id: 'a/p1', samples: { decode_tps: normalSamples(nHead, 50, 0.01, 3) } }] }),
    );
    const m = metricOf(v, 'a/p1', 'decode_tps');
    expect(m.verdict).toBe('unchanged');
    expect(m.note).toMatch(new RegExp(`too few samples to judge \\(base ${nBase}, head ${nHead}; needs 4 a side\\)`));
    expect(m.ratio).toBeCloseTo(0.5, 1); // still reported
    expect(m.p_value).toBeNull(); // no test was run
    expect(m.ci).toBeNull();
    expect(v.status).toBe('pass');
  });
});

describe('compareResults: gates and limits', () => {
  it.each([
    ['min on decode_tps', { decode_tps: { min: 95 } }, 'decode_tps', normalSamples(10, 90, 0.01, 1), 'min'],
    ['max on ttft_ms', { ttft_ms: { max: 41 } }, 'ttft_ms', normalSamples(10, 45, 0.01, 2), 'max'],
  ] as const)('%s is checked on the head median → limit', (_name, gates, metric, head, violated) => {
    const base = metric === 'decode_tps' ? BASE_DECODE : BASE_TTFT;
    const v = compareOne(
      results({ cases: [{ id: 'a/p1', samples: { [metric]: base } }] }),
      results({ cases: [{ id: 'a/p1', samples: { [metric]: [...head] } }] }),
      settings({ gates }),
    );
    const m = metricOf(v, 'a/p1', metric);
    expect(m.verdict).toBe('limit');
    expect(m.limit?.violated).toBe(violated);
    expect(m.note).toMatch(violated === 'min' ? /below the minimum 95/ : /above the maximum 41/);
    expect(v.summary.limits).toBe(1);
    expect(v.status).toBe('regression');
  });

  it('a limit is independent of the baseline: it fails even with no baseline at all', () => {
    const head = results({ cases: [{ id: 'a/p1', samples: { decode_tps: [1.5, 1.6, 1.4, 1.5] } }] });
    const v = compareOne(null, head, settings({ gates: { decode_tps: { min: 2 } } }));
    expect(metricOf(v, 'a/p1', 'decode_tps')).toMatchObject({ verdict: 'limit', limit: { min: 2, violated: 'min' } });
    expect(v.status).toBe('regression');
    const ok = compareOne(null, head, settings({ gates: { decode_tps: { min: 1 } } }));
    expect(metricOf(ok, 'a/p1', 'decode_tps')).toMatchObject({ verdict: 'new', limit: { min: 1 } });
    expect(ok.status).toBe('no-baseline');
  });

  it("a metric's own regression gate replaces min_effect", () => {
    const base = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const head = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE.map((x) => x * 0.94) } }] });
    const loose = metricOf(
      compareOne(base, head, settings({ gates: { decode_tps: { regression: 0.1 } } })),
      'a/p1',
      'decode_tps',
    );
    expect(loose).toMatchObject({ verdict: 'unchanged', threshold: 0.1 });
    const strict = metricOf(
      compareOne(base, head, settings({ gates: { decode_tps: { regression: 0.05 } } })),
      'a/p1',
      'decode_tps',
    );
    expect(strict).toMatchObject({ verdict: 'regression', threshold: 0.05 });
  });

  it('with gates in the config exactly the listed metrics gate; without, the default set does', () => {
    const base = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE, itl_p99_ms: BASE_TTFT } }] });
    const head = results({
      cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE, itl_p99_ms: BASE_TTFT.map((x) => x * 1.5) } }],
    });
    const byDefault = compareOne(base, head);
    expect(metricOf(byDefault, 'a/p1', 'itl_p99_ms')).toMatchObject({ verdict: 'regression', gated: false });
    expect(metricOf(byDefault, 'a/p1', 'decode_tps').gated).toBe(true);
    // Not a regression in any count: an ungated metric that got worse is counted apart ("slower, not gated").
    expect(byDefault.summary).toMatchObject({ regressions: 0, worse_not_gated: 1 });
    expect(byDefault.status).toBe('pass');
    const listed = compareOne(base, head, settings({ gates: { itl_p99_ms: { regression: 0.1 } } }));
    expect(metricOf(listed, 'a/p1', 'itl_p99_ms').gated).toBe(true);
    expect(metricOf(listed, 'a/p1', 'decode_tps').gated).toBe(false);
    expect(listed.status).toBe('regression');
  });

  it('metrics without direction are reported, never judged or gated', () => {
    const base = results({ cases: [{ id: 'a/p1', samples: { output_tokens: [32, 32, 32, 32, 32] } }] });
    const head = results({ cases: [{ id: 'a/p1', samples: { output_tokens: [8, 8, 8, 8, 8] } }] });
    const v = compareOne(base, head, settings({ gates: { output_tokens: { regression: 0.01 } } }));
    expect(metricOf(v, 'a/p1', 'output_tokens')).toMatchObject({
      verdict: 'unchanged',
      gated: false,
      threshold: null,
      direction: 'none',
      ratio: 0.25,
    });
    expect(v.status).toBe('pass');
  });

  it.each([
    ['higher', normalSamples(10, 80, 0.02, 41), 'regression'],
    ['lower', normalSamples(10, 80, 0.02, 41), 'improvement'],
    ['none', normalSamples(10, 80, 0.02, 41), 'unchanged'],
  ] as const)(
    'a custom metric declared %s in results.metrics is judged in that direction',
    (direction, head, expected) => {
      const metrics = { tokens_per_joule: { direction, unit: 'tok/J' } };
      const v = compareOne(
        results({ metrics, cases: [{ id: 'a/p1', samples: { tokens_per_joule: normalSamples(10, 100, 0.02, 40) } }] }),
        results({ metrics, cases: [{ id: 'a/p1', samples: { tokens_per_joule: [...head] } }] }),
        settings({ gates: { tokens_per_joule: { regression: 0.05 } } }),
      );
      expect(metricOf(v, 'a/p1', 'tokens_per_joule')).toMatchObject({
        verdict: expected,
        direction,
        unit: 'tok/J',
        gated: direction !== 'none',
      });
      expect(v.metrics.tokens_per_joule).toMatchObject({ direction, unit: 'tok/J' });
    },
  );
});

describe('compareResults: summary, runs and determinism', () => {
  const base = results({
    cases: [
      { id: 'a/p1', samples: { decode_tps: [100, 100, 100, 100, 100] } },
      { id: 'b/p1', samples: { decode_tps: [200, 200, 200, 200, 200] } },
    ],
  });
  const head = results({
    cases: [
      { id: 'a/p1', samples: { decode_tps: [90, 90, 90, 90, 90] } },
      { id: 'b/p1', samples: { decode_tps: [220, 220, 220, 220, 220] } },
      { id: 'c/p1', samples: { decode_tps: [50, 50, 50, 50, 50] } },
    ],
  });

  it('geomean ratio per metric over the compared cases, counts per case × metric verdict', () => {
    const v = compareOne(base, head);
    expect(v.summary.geomean.decode_tps).toBeCloseTo(Math.sqrt(0.9 * 1.1), 12);
    expect(v.summary).toMatchObject({ regressions: 1, improvements: 1, new: 1, missing: 0, unchanged: 0, limits: 0 });
    expect(v.status).toBe('regression');
    expect(v.created_at).toBe('2026-11-22T12:00:00.000Z');
    expect(v.settings).toEqual({ alpha: 0.05, min_effect: 0.03, headline_metric: 'decode_tps' });
  });

  it('reruns give identical verdicts, bootstrap intervals included; another seed moves only the intervals', () => {
    const noisyBase = results({ cases: [{ id: 'a/p1', samples: { decode_tps: BASE_DECODE } }] });
    const noisyHead = results({ cases: [{ id: 'a/p1', samples: { decode_tps: normalSamples(10, 96, 0.03, 9) } }] });
    const a = compareOne(noisyBase, noisyHead, settings(), 7);
    expect(compareOne(noisyBase, noisyHead, settings(), 7)).toEqual(a);
    const b = compareOne(noisyBase, noisyHead, settings(), 8);
    expect(metricOf(b, 'a/p1', 'decode_tps').ci).not.toEqual(metricOf(a, 'a/p1', 'decode_tps').ci);
    expect(metricOf(b, 'a/p1', 'decode_tps').p_value).toBe(metricOf(a, 'a/p1', 'decode_tps').p_value);
  });

  it('one verdict covers several runner labels; cases match only within their label', () => {
    const other = results({ label: 'gpu', cases: [{ id: 'a/p1', samples: { decode_tps: [300, 300, 300, 300] } }] });
    const v = compareResults(
      [
        { label: 'cpu-2core', base, head },
        { label: 'gpu', base: null, head: other },
      ],
      settings(),
      { now: NOW },
    );
    expect(v.runs.map((r) => [r.label, r.base === null])).toEqual([
      ['cpu-2core', false],
      ['gpu', true],
    ]);
    expect(metricOf(v, 'a/p1', 'decode_tps', 'gpu').verdict).toBe('new');
    expect(metricOf(v, 'a/p1', 'decode_tps', 'cpu-2core').verdict).toBe('regression');
  });

  it('no baseline at all → no-baseline, every case new', () => {
    const v = compareOne(null, head);
    expect(v.status).toBe('no-baseline');
    expect(v.cases.every((c) => c.status === 'new')).toBe(true);
    expect(v.runs[0]!.notes.join()).toMatch(/no baseline/);
  });

  it('notes a change of hardware or engine between the runs', () => {
    const other = results({ cpu: 'Other CPU', cases: [{ id: 'a/p1', samples: { decode_tps: [90, 90, 90, 90, 90] } }] });
    expect(compareOne(base, other).runs[0]!.notes.join()).toMatch(/different hardware: cpu "Test CPU" → "Other CPU"/);
  });
});

describe('compareResults with calibration (strategy baseline-calibrated)', () => {
  // The head machine is 20% faster on the reference workload; the case itself did not change.
  const base = results({
    calibration: [100, 101, 99, 100, 100],
    cases: [
      {
        id: 'a/p1',
        samples: {
          decode_tps: normalSamples(10, 50, 0.01, 1),
          ttft_ms: normalSamples(10, 40, 0.01, 2),
          load_ms: [900, 910, 905, 899],
        },
      },
    ],
  });
  const sameOnFaster = results({
    calibration: [120, 121, 119, 120, 120],
    cases: [
      {
        id: 'a/p1',
        samples: {
          decode_tps: normalSamples(10, 60, 0.01, 3),
          ttft_ms: normalSamples(10, 40 / 1.2, 0.01, 4),
          load_ms: [900, 905, 899, 902],
        },
      },
    ],
  });

  it('without calibration the faster machine looks like a 20% improvement', () => {
    const v = compareResults([{ label: 'cpu-2core', base, head: sameOnFaster }], settings(), {
      now: NOW,
      calibration: 'off',
      iterations: 200,
    });
    expect(v.strategy).toBe('baseline');
    expect(metricOf(v, 'a/p1', 'decode_tps').verdict).toBe('improvement');
    expect(metricOf(v, 'a/p1', 'ttft_ms').verdict).toBe('improvement');
  });

  it('calibrated, the machine speed cancels; load_ms is not rescaled; the verdict says so', () => {
    const v = compareResults([{ label: 'cpu-2core', base, head: sameOnFaster }], settings(), {
      now: NOW,
      iterations: 200,
    });
    expect(v.strategy).toBe('baseline-calibrated');
    expect(v.runs[0]!.notes.join()).toMatch(/calibrated: reference decode_tps median 100 \(base\) vs 120 \(head\)/);
    const decode = metricOf(v, 'a/p1', 'decode_tps');
    expect(decode.verdict).toBe('unchanged');
    expect(decode.ratio).toBeCloseTo(1, 1);
    expect(decode.note).toMatch(/base speeds calibrated to the head machine \(×1\.200\)/);
    expect(decode.head!.median).toBeCloseTo(60, 0); // the head keeps what it measured
    expect(metricOf(v, 'a/p1', 'ttft_ms').verdict).toBe('unchanged');
    expect(metricOf(v, 'a/p1', 'load_ms').note).toBeUndefined();
  });

  it('calibrated, a real 10% slowdown on the faster machine is still caught', () => {
    const slower = results({
      calibration: [120, 121, 119, 120, 120],
      cases: [{ id: 'a/p1', samples: { decode_tps: normalSamples(10, 54, 0.01, 5) } }],
    });
    const v = compareResults([{ label: 'cpu-2core', base, head: slower }], settings(), { now: NOW, iterations: 200 });
    expect(metricOf(v, 'a/p1', 'decode_tps').verdict).toBe('regression');
  });

  it('only one side calibrated: compared raw, with a note', () => {
    const raw = results({ cases: [{ id: 'a/p1', samples: { decode_tps: normalSamples(10, 50, 0.01, 6) } }] });
    const v = compareResults([{ label: 'cpu-2core', base, head: raw }], settings(), { now: NOW, iterations: 200 });
    expect(v.strategy).toBe('baseline');
    expect(v.runs[0]!.notes.join()).toMatch(/not calibrated: only one of the two runs/);
  });
});

describe('results validation the CLI relies on', () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(results({ cases: [{ id: 'a/p1', samples: { decode_tps: [1, 2, 3] } }] })));
  it.each([
    ['NaN', Number.NaN, /cases\[0\]\.samples\.decode_tps\[1\]: expected number, got NaN/],
    ['a negative number', -4, /cases\[0\]\.samples\.decode_tps\[1\]: expected a non-negative number/],
    ['null', null, /cases\[0\]\.samples\.decode_tps\[1\]: expected number, got null/],
    ['a string', 'fast', /cases\[0\]\.samples\.decode_tps\[1\]: expected number, got "fast"/],
  ])('a sample that is %s is rejected with its path', (_what, value, message) => {
    const doc = valid() as { cases: Array<{ samples: Record<string, unknown[]> }> };
    doc.cases[0]!.samples.decode_tps![1] = value;
    expect(() => parseResults(doc, 'head.json')).toThrow(InputError);
    expect(() => parseResults(doc, 'head.json')).toThrow(message);
  });

  it('an empty sample list is rejected with its path', () => {
    const doc = valid() as { cases: Array<{ samples: Record<string, unknown[]> }> };
    doc.cases[0]!.samples.decode_tps = [];
    expect(() => parseResults(doc, 'head.json')).toThrow(
      /head\.json: cases\[0\]\.samples\.decode_tps: expected at least one sample/,
    );
  });

  it('duplicate case ids and another schema version are rejected', () => {
    const doc = valid() as { cases: unknown[]; schema: string };
    doc.cases.push(doc.cases[0]);
    expect(() => parseResults(doc, 'head.json')).toThrow(/cases\[1\]\.id: duplicate case id "a\/p1"/);
    expect(() => parseResults({ ...valid(), schema: 'llm-bench/results@2' }, 'base.json')).toThrow(
      /base\.json: schema: .*another version/,
    );
  });
});

// ---------------------------------------------------------------- per-metric rules

describe('per-metric rules', () => {
  it.each([
    [0.9, 0.01, 'higher', 'regression'],
    [0.9, 0.2, 'higher', 'unchanged'],
    [0.98, 0.001, 'higher', 'unchanged'],
    [1.1, 0.01, 'higher', 'improvement'],
    [1.1, 0.01, 'lower', 'regression'],
    [0.9, 0.01, 'lower', 'improvement'],
    [0.5, 0.0001, 'none', 'unchanged'],
    [Number.POSITIVE_INFINITY, 0.01, 'lower', 'regression'],
    [0.9, 0.05, 'higher', 'unchanged'], // p must be below alpha, not equal
  ] as const)('classifyChange(ratio %s, p %s, %s) → %s', (ratio, p, direction, expected) => {
    expect(classifyChange(ratio, p, { direction, alpha: 0.05, threshold: 0.03 })).toBe(expected);
  });

  it.each([
    [100, 49, 'higher', 'regression'],
    [100, 51, 'higher', 'unchanged'],
    [10, 21, 'lower', 'regression'],
    [10, 19, 'lower', 'unchanged'],
    [10, 100, 'none', 'unchanged'],
  ] as const)("github-action-benchmark's 200%% rule: %s → %s (%s is better) is %s", (b, h, direction, expected) => {
    expect(decideRatioRule(b, h, direction)).toBe(expected);
  });

  it('decideIndependent works on plain arrays and reports the test it used', () => {
    const d = decideIndependent(
      [10, 11, 12, 13, 14],
      [20, 21, 22, 23, 24],
      { direction: 'lower', alpha: 0.05, threshold: 0.03 },
      { seed: 1, iterations: 200 },
    );
    expect(d).toMatchObject({ verdict: 'regression', test: 'mann-whitney exact' });
    expect(d.pValue).toBeCloseTo(2 / 252, 12);
  });

  it('blockLogRatios pairs by block index, averages repetitions within a block and drops unpaired blocks', () => {
    const pairing = blockLogRatios(
      { samples: [100, 102, 50, 90], blocks: [0, 0, 1, 3] },
      { samples: [90, 95, 0, 45], blocks: [0, 1, 2, 1] },
    );
    expect(pairing.blocks).toEqual([0, 1]);
    expect(pairing.logRatios[0]).toBeCloseTo(Math.log(90 / 101), 12);
    expect(pairing.logRatios[1]).toBeCloseTo(Math.log(70 / 50), 12);
    expect(pairing.dropped).toBe(2);
    expect(blockLogRatios({ samples: [0, 0] }, { samples: [0, 3] })).toEqual({
      logRatios: [0],
      blocks: [0],
      dropped: 1,
    });
    expect(() => blockLogRatios({ samples: [1, 2], blocks: [0] }, { samples: [1] })).toThrow(/2 samples but 1 block/);
  });

  it('decidePaired: 5 blocks can never reach p < 0.05 and says so; sign-flip is available for comparison', () => {
    const five = [-0.1, -0.09, -0.11, -0.1, -0.12];
    const w = decidePaired(five, { direction: 'higher', alpha: 0.05, threshold: 0.03 }, { seed: 1, iterations: 200 });
    expect(w.pValue).toBeCloseTo(0.0625, 12);
    expect(w.verdict).toBe('unchanged');
    expect(w.note).toMatch(/5 blocks cannot reach p < 0.05 \(smallest possible p is 0.063\)/);
    const six = [...five, -0.1];
    expect(
      decidePaired(six, { direction: 'higher', alpha: 0.05, threshold: 0.03 }, { seed: 1, iterations: 200 }).verdict,
    ).toBe('regression');
    expect(
      decidePaired(
        six,
        { direction: 'higher', alpha: 0.05, threshold: 0.03 },
        { seed: 1, iterations: 200, test: 'sign-flip' },
      ),
    ).toMatchObject({
      verdict: 'regression',
      test: 'sign-flip exact',
    });
  });
});

// ---------------------------------------------------------------- how large a change a paired run can see

describe('pairedSensitivity and the note on unchanged A/B verdicts', () => {
  // Ten block log ratios with mean 0 and sample standard deviation exactly 0.1.
  const c = 0.1 * Math.sqrt(0.9);
  const spread10 = [c, -c, c, -c, c, -c, c, -c, c, -c];
  const rule = { direction: 'higher', alpha: 0.05, threshold: 0.03 } as const;

  it('matches the t-based formula: max(threshold, t(.975)·se) + t(.95)·se, as scipy computes it', () => {
    // scipy: t.ppf(.975, 9) = 2.2622, t.ppf(.95, 9) = 1.8331; se = 0.1/√10 → δ = 0.12950381 (log), 1 − e^−δ = 12.15%.
    const s = pairedSensitivity(spread10, rule)!;
    expect(s.spread).toBeCloseTo(0.1, 12);
    expect(s.detectable).toBeCloseTo(0.12146876, 7);
    expect(s.blocksForTwiceThreshold).toBe(37);
    // For a latency the same log change is a rise: e^δ − 1 = 13.83%; 41 blocks to see +6%.
    const latency = pairedSensitivity(spread10, { ...rule, direction: 'lower' })!;
    expect(latency.detectable).toBeCloseTo(0.13826345, 7);
    expect(latency.blocksForTwiceThreshold).toBe(41);
  });

  it('more blocks with the same spread detect smaller changes; no spread leaves only the threshold', () => {
    const forty = Array.from({ length: 4 }, () => spread10).flat();
    expect(pairedSensitivity(forty, rule)!.detectable).toBeLessThan(pairedSensitivity(spread10, rule)!.detectable);
    const flat = pairedSensitivity(Array(10).fill(-0.01), rule)!;
    expect(flat.spread).toBeCloseTo(0, 12);
    expect(flat.detectable).toBeCloseTo(0.03, 12);
    // Even without noise the signed-rank test needs 6 blocks to reach p < 0.05.
    expect(flat.blocksForTwiceThreshold).toBe(6);
    expect(pairedSensitivity([0.1], rule)).toBeNull();
    // With no threshold there is no "twice the threshold" to plan for, and no note that would promise one.
    expect(pairedSensitivity(spread10, { ...rule, threshold: 0 })).toMatchObject({ blocksForTwiceThreshold: null });
    expect(decidePaired(spread10, { ...rule, threshold: 0 }, { seed: 1, iterations: 100 }).note).toBeUndefined();
    expect(pairedSensitivity(spread10, { ...rule, direction: 'none' })).toBeNull();
  });

  it('an unchanged verdict from noisy blocks says how large a change could have shown and how many blocks would show 6%', () => {
    const d = decidePaired(spread10, rule, { seed: 1, iterations: 100 });
    expect(d.verdict).toBe('unchanged');
    expect(d.note).toBe(
      '10 blocks detect only changes of about 12% or more (block ratios vary by ±10%); about 37 blocks would detect 6%',
    );
  });

  it('no such note on a regression, on quiet blocks, or when another note already explains the verdict', () => {
    const slower = spread10.map((x) => x - 0.3);
    expect(decidePaired(slower, rule, { seed: 1, iterations: 100 })).toMatchObject({ verdict: 'regression' });
    expect(decidePaired(slower, rule, { seed: 1, iterations: 100 }).note).toBeUndefined();
    const quiet = spread10.map((x) => x / 10);
    const quietDecision = decidePaired(quiet, rule, { seed: 1, iterations: 100 });
    expect(quietDecision.verdict).toBe('unchanged');
    expect(quietDecision.note).toBeUndefined();
    expect(decidePaired(spread10.slice(0, 5), rule, { seed: 1, iterations: 100 }).note).toMatch(
      /5 blocks cannot reach p < 0.05/,
    );
    expect(decidePaired(spread10, { ...rule, direction: 'none' }, { seed: 1, iterations: 100 }).note).toBeUndefined();
  });

  it('compareAB carries the note into the verdict beside the pairing notes', () => {
    const base = Array.from({ length: 10 }, () => 100);
    const head = spread10.map((x) => 100 * Math.exp(x));
    const ab = results({
      cases: [
        { id: 'm/p1', side: 'base', blocks: base.map((_, i) => i), samples: { decode_tps: base } },
        { id: 'm/p1', side: 'head', blocks: base.map((_, i) => i), samples: { decode_tps: head } },
      ],
    });
    const m = metricOf(compareAB(ab, settings(), { now: NOW, iterations: 100 }), 'm/p1', 'decode_tps');
    expect(m.verdict).toBe('unchanged');
    expect(m.note).toMatch(/^10 blocks detect only changes of about 12% or more .*; paired over 10 blocks$/);
  });
});

// ---------------------------------------------------------------- A/B in one run, with drift

/**
 * One interleaved A/B session on a machine whose speed drifts down by `driftTotal` over the run (the issue measured
 * 97.6 → 114.9 tok/s between runs minutes apart). Each block runs base and head once, in a seeded random order; the
 * head's true speed is `headFactor` × the base's. Also returns the same timeline cut in two, as two separate runs.
 */
function driftingSession(blocks: number, headFactor: number, driftTotal: number, seed: number, cv = 0.03) {
  const random = seededRandom(seed);
  const noise = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const slots = 2 * blocks;
  const speedAt = (slot: number): number => 100 * (1 - (driftTotal * slot) / slots);
  const base: number[] = [];
  const head: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const headFirst = random() < 0.5;
    const slotOf = (side: 'base' | 'head'): number => 2 * b + ((side === 'head') === headFirst ? 0 : 1);
    base.push(speedAt(slotOf('base')) * (1 + cv * noise()));
    head.push(speedAt(slotOf('head')) * headFactor * (1 + cv * noise()));
  }
  const blockIds = Array.from({ length: blocks }, (_, i) => i);
  const ab = results({
    cases: [
      { id: 'm/p1', side: 'base', blocks: blockIds, samples: { decode_tps: base, load_ms: [800] } },
      { id: 'm/p1', side: 'head', blocks: blockIds, samples: { decode_tps: head, load_ms: [805] } },
    ],
  });
  // Run vs run: the base config ran alone first, the head config alone afterwards, through the same drift.
  const firstRun = Array.from({ length: blocks }, (_, i) => speedAt(i) * (1 + cv * noise()));
  const secondRun = Array.from({ length: blocks }, (_, i) => speedAt(blocks + i) * headFactor * (1 + cv * noise()));
  return {
    ab,
    runBase: results({ cases: [{ id: 'm/p1', samples: { decode_tps: firstRun } }] }),
    runHead: results({ cases: [{ id: 'm/p1', samples: { decode_tps: secondRun } }] }),
  };
}

describe('compareAB: paired blocks cancel drift', () => {
  it('a drifting A/A session (15% drift) is not flagged by compareAB, while run-vs-run Mann-Whitney calls it a regression', () => {
    const s = driftingSession(10, 1, 0.15, 3);
    const ab = compareAB(s.ab, settings(), { now: NOW, seed: 1, iterations: 400 });
    parseVerdict(JSON.parse(JSON.stringify(ab)), 'verdict.json');
    const paired = metricOf(ab, 'm/p1', 'decode_tps');
    expect(paired.verdict).toBe('unchanged');
    expect(paired.ci![0]).toBeLessThan(1);
    expect(paired.ci![1]).toBeGreaterThan(1);
    expect(ab).toMatchObject({ strategy: 'ab', status: 'pass' });
    const naive = metricOf(compareOne(s.runBase, s.runHead), 'm/p1', 'decode_tps');
    expect(naive.verdict).toBe('regression');
    expect(naive.p_value).toBeLessThan(0.05);
  });

  it('over 200 seeded A/A sessions: A/B false alarms stay near alpha/2, run-vs-run alarms nearly always', () => {
    let abAlarms = 0;
    let naiveAlarms = 0;
    const rule = { direction: 'higher', alpha: 0.05, threshold: 0.03 } as const;
    for (let seed = 1; seed <= 200; seed++) {
      const s = driftingSession(10, 1, 0.15, seed);
      const logs = s.ab.cases[1]!.samples.decode_tps!.map((h, i) =>
        Math.log(h / s.ab.cases[0]!.samples.decode_tps![i]!),
      );
      if (decidePaired(logs, rule, { seed, iterations: 50 }).verdict === 'regression') abAlarms++;
      if (
        decideIndependent(s.runBase.cases[0]!.samples.decode_tps!, s.runHead.cases[0]!.samples.decode_tps!, rule, {
          seed,
          iterations: 50,
        }).verdict === 'regression'
      )
        naiveAlarms++;
    }
    expect(abAlarms / 200).toBeLessThanOrEqual(0.05);
    expect(naiveAlarms / 200).toBeGreaterThan(0.9);
  });

  it('a real 8% slowdown under the same drift is detected', () => {
    const s = driftingSession(10, 0.92, 0.15, 4);
    const m = metricOf(compareAB(s.ab, settings(), { now: NOW, seed: 1, iterations: 400 }), 'm/p1', 'decode_tps');
    expect(m.verdict).toBe('regression');
    expect(m.ratio).toBeGreaterThan(0.88);
    expect(m.ratio).toBeLessThan(0.96);
    expect(m.note).toMatch(/paired over 10 blocks/);
  });

  it('reports the commit the base config came from as the base run', () => {
    const s = driftingSession(8, 1, 0, 5);
    const ab = {
      ...s.ab,
      git: { sha: 'h'.repeat(40), ref: 'refs/pull/9/merge' },
      base_git: { sha: 'b'.repeat(40), ref: 'main' },
    };
    const run = compareAB(ab, settings(), { now: NOW, iterations: 100 }).runs[0]!;
    expect(run.base!.git).toEqual({ sha: 'b'.repeat(40), ref: 'main' });
    expect(run.head.git).toEqual({ sha: 'h'.repeat(40), ref: 'refs/pull/9/merge' });
  });

  it('reruns are identical', () => {
    const s = driftingSession(12, 0.95, 0.1, 5);
    expect(compareAB(s.ab, settings(), { now: NOW, seed: 2, iterations: 300 })).toEqual(
      compareAB(s.ab, settings(), { now: NOW, seed: 2, iterations: 300 }),
    );
  });

  it('a metric measured once per case (load_ms) falls back to unpaired, and too few samples are not judged', () => {
    const m = metricOf(
      compareAB(driftingSession(10, 1, 0, 6).ab, settings(), { now: NOW, iterations: 100 }),
      'm/p1',
      'load_ms',
    );
    expect(m.verdict).toBe('unchanged');
    expect(m.note).toMatch(/too few samples to judge.*not one sample per block: compared unpaired/);
  });

  it('fewer than 4 paired blocks → unchanged with a note', () => {
    const m = metricOf(
      compareAB(driftingSession(3, 0.5, 0, 7).ab, settings(), { now: NOW, iterations: 100 }),
      'm/p1',
      'decode_tps',
    );
    expect(m.verdict).toBe('unchanged');
    expect(m.note).toMatch(/too few paired blocks to judge \(3; needs 4\)/);
  });

  it('without block indices the repetition index pairs the samples', () => {
    const ab = results({
      cases: [
        { id: 'm/p1', side: 'base', samples: { decode_tps: [100, 90, 80, 70, 60, 50, 40] } },
        { id: 'm/p1', side: 'head', samples: { decode_tps: [90, 81, 72, 63, 54, 45, 36] } },
      ],
    });
    const m = metricOf(compareAB(ab, settings(), { now: NOW, iterations: 100 }), 'm/p1', 'decode_tps');
    expect(m.ratio).toBeCloseTo(0.9, 12);
    expect(m.verdict).toBe('regression');
    expect(m.note).toMatch(/no block indices recorded: paired by repetition/);
  });

  it('case ids with one side only are new or missing; a case without side is an InputError', () => {
    const ab = results({
      cases: [
        { id: 'old/p1', side: 'base', samples: { decode_tps: [1, 2, 3, 4] } },
        { id: 'fresh/p1', side: 'head', samples: { decode_tps: [1, 2, 3, 4] } },
      ],
    });
    const v = compareAB(ab, settings(), { now: NOW });
    expect(v.cases.map((c) => [c.id, c.status])).toEqual([
      ['old/p1', 'missing'],
      ['fresh/p1', 'new'],
    ]);
    // The head side did not run a case the base side gates on: not judged, so not a pass.
    expect(v.status).toBe('incomplete');
    expect(v.incomplete?.reasons).toEqual([expect.stringContaining('(old/p1 decode_tps)')]);
    const sideless = results({ cases: [{ id: 'a/p1', samples: { decode_tps: [1] } }] });
    expect(() => compareAB(sideless, settings(), { now: NOW, file: 'ab.json' })).toThrow(
      /ab\.json: cases\[0\]\.side: expected "side"/,
    );
  });
});

// ---------------------------------------------------------------- history of stored runs

/** Stored runs of one case whose run medians drift between runs (±6%), each with a tight within-run spread. */
function storedRuns(runMedians: number[], label = 'cpu-2core'): Results[] {
  return runMedians.map((m, i) =>
    results({
      label,
      startedAt: `2026-11-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`,
      cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, m, 0.01, 100 + i) } }],
    }),
  );
}

describe('compareWithHistory: run-to-run spread sets the bar', () => {
  const history = storedRuns([100, 94, 104, 97, 106]);

  it('a head run inside the spread of past runs is unchanged, though Mann-Whitney against the latest run flags it', () => {
    const head = results({ cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, 96, 0.01, 7) } }] });
    const v = compareWithHistory(history, head, settings(), { now: NOW, iterations: 200 });
    parseVerdict(JSON.parse(JSON.stringify(v)), 'verdict.json');
    const m = metricOf(v, 'm/p1', 'decode_tps');
    expect(v.strategy).toBe('baseline-history');
    expect(m.verdict).toBe('unchanged');
    expect(m.base).toMatchObject({ n: 5 });
    expect(m.base!.median).toBeCloseTo(100.2, 0);
    expect(m.threshold).toBeGreaterThan(0.1); // the spread of run medians, not min_effect, sets the bar
    expect(m.note).toMatch(/mean of 5 stored run medians; 95% prediction interval/);
    expect(metricOf(compareOne(history[4]!, head), 'm/p1', 'decode_tps').verdict).toBe('regression');
  });

  it('a head run far below the interval is a regression', () => {
    const head = results({ cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, 75, 0.01, 8) } }] });
    const m = metricOf(
      compareWithHistory(history, head, settings(), { now: NOW, iterations: 200 }),
      'm/p1',
      'decode_tps',
    );
    expect(m.verdict).toBe('regression');
    expect(m.p_value).toBeLessThan(0.05);
    expect(m.ci![1]).toBeLessThan(1);
  });

  it('the decision matches the prediction interval of the run medians', () => {
    const d = decideHistory([100, 94, 104, 97, 106], [80, 80, 80, 80], {
      direction: 'higher',
      alpha: 0.05,
      threshold: 0.03,
    });
    expect(d.interval[0]).toBeGreaterThan(80);
    expect(d.verdict).toBe('regression');
    const inside = decideHistory(
      [100, 94, 104, 97, 106],
      [d.interval[0] + 0.5, d.interval[0] + 0.5, d.interval[0] + 0.5, d.interval[0] + 0.5],
      {
        direction: 'higher',
        alpha: 0.05,
        threshold: 0.03,
      },
    );
    expect(inside.verdict).toBe('unchanged');
    expect(inside.pValue).toBeGreaterThan(0.05);
  });

  it('fewer than 3 stored runs: compared with the latest by Mann-Whitney, with a note', () => {
    const head = results({ cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, 96, 0.01, 7) } }] });
    const v = compareWithHistory(history.slice(0, 2), head, settings(), { now: NOW, iterations: 200 });
    expect(v.strategy).toBe('baseline');
    expect(metricOf(v, 'm/p1', 'decode_tps').note).toMatch(
      /only 2 stored runs \(history needs 3\): compared with the latest/,
    );
  });

  it('cases of the latest stored run absent from the head are missing; no history is no-baseline', () => {
    const head = results({ cases: [{ id: 'other/p1', samples: { decode_tps: [1, 2, 3, 4] } }] });
    const v = compareWithHistory(history, head, settings(), { now: NOW });
    expect(v.cases.map((c) => [c.id, c.status])).toEqual([
      ['other/p1', 'new'],
      ['m/p1', 'missing'],
    ]);
    expect(v.status).toBe('incomplete');
    expect(v.incomplete?.reasons).toEqual([expect.stringContaining('(m/p1 decode_tps)')]);
    expect(compareWithHistory([], head, settings(), { now: NOW }).status).toBe('no-baseline');
  });

  it('with calibration, run-to-run machine drift leaves the history and an 8% slowdown shows', () => {
    // Each stored run's median moved with its machine's reference speed; the head machine runs the reference at 100.
    const speeds = [100, 90, 110, 95, 105];
    const calibrated = speeds.map((speed, i) =>
      results({
        calibration: [speed, speed],
        startedAt: `2026-11-1${i}T10:00:00.000Z`,
        cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, speed, 0.01, 200 + i) } }],
      }),
    );
    const head = results({
      calibration: [100, 100],
      cases: [{ id: 'm/p1', samples: { decode_tps: normalSamples(10, 92, 0.01, 9) } }],
    });
    const raw = metricOf(
      compareWithHistory(calibrated, head, settings(), { now: NOW, calibration: 'off', iterations: 100 }),
      'm/p1',
      'decode_tps',
    );
    expect(raw.verdict).toBe('unchanged');
    const v = compareWithHistory(calibrated, head, settings(), { now: NOW, iterations: 100 });
    expect(v.runs[0]!.notes.join()).toMatch(/calibrated: each stored run's speeds and latencies rescaled/);
    expect(metricOf(v, 'm/p1', 'decode_tps').verdict).toBe('regression');
    expect(metricOf(v, 'm/p1', 'decode_tps').base!.median).toBeCloseTo(100, 0);
  });

  it('a stored run of another runner label is an InputError naming both labels', () => {
    const head = results({ cases: [{ id: 'm/p1', samples: { decode_tps: [1, 2, 3, 4] } }] });
    const mixed = [...history.slice(0, 2), ...storedRuns([100], 'gpu-4080')];
    expect(() =>
      compareWithHistory(mixed, head, settings(), { now: NOW, files: { history: ['a.json', 'b.json', 'c.json'] } }),
    ).toThrow(/c\.json: runner\.label: stored baseline run has runner label "gpu-4080", the head has "cpu-2core"/);
  });
});
