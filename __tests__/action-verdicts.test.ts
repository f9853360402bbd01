// Each runner label's verdict with the right strategy (A/B, history, newest run, none), and several labels merged into one report.
import { describe, expect, it } from 'vitest';
import { gatedFailures, headSideOnly, isABResults, labelVerdict, mergeVerdicts } from '../src/action/verdicts.js';
import { compareSettings } from '../src/compare/index.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { InputError } from '../src/util/errors.js';
import type { BaselineStore } from '../src/store/index.js';
import { makeResults, recordingLogger } from './peers/github-server.js';

const now = new Date('2026-11-22T12:00:00Z');
const settings = compareSettings(undefined);

function results(label: string, decodeTps: number[], startedAt = '2026-11-22T10:00:00.000Z'): Results {
  return parseResults(makeResults(label, { decodeTps, startedAt }), `${label}.json`);
}

/** An A/B results file: the fixture's case on both sides, one sample per block. */
function abResults(label: string, base: number[], head: number[]): Results {
  const r = results(label, head);
  const c = r.cases[0]!;
  r.cases = [
    { ...c, side: 'base', samples: { decode_tps: base }, blocks: base.map((_, i) => i) },
    { ...c, side: 'head', samples: { decode_tps: head }, blocks: head.map((_, i) => i) },
  ];
  return r;
}

function store(runs: Results[]): BaselineStore & { loads: string[] } {
  const loads: string[] = [];
  return {
    kind: 'file',
    loads,
    load: async (label) => {
      loads.push(label);
      return runs;
    },
    save: async () => {},
  };
}

const steady = [50, 51, 49, 50, 52, 48];
const slower = [40, 41, 39, 40, 42, 38];

describe('labelVerdict', () => {
  it('compares the two sides of an A/B run without asking the store', async () => {
    const s = store([]);
    const verdict = await labelVerdict(abResults('gpu', steady, slower), settings, {
      store: s,
      now,
      log: recordingLogger(),
    });
    expect(verdict.strategy).toBe('ab');
    expect(verdict.status).toBe('regression');
    expect(s.loads).toEqual([]);
  });

  it('has no baseline when the store has none, and compares with the newest of one or two runs', async () => {
    const head = results('gpu', slower, '2026-11-22T11:00:00.000Z');
    expect((await labelVerdict(head, settings, { store: store([]), now, log: recordingLogger() })).status).toBe(
      'no-baseline',
    );
    expect((await labelVerdict(head, settings, { store: undefined, now, log: recordingLogger() })).status).toBe(
      'no-baseline',
    );
    // The newer stored run was as slow as the head: no regression against it, although the older one was faster.
    const older = results('gpu', steady, '2026-11-20T10:00:00.000Z');
    const newer = results('gpu', slower, '2026-11-21T10:00:00.000Z');
    const verdict = await labelVerdict(head, settings, { store: store([older, newer]), now, log: recordingLogger() });
    expect(verdict.strategy).toBe('baseline');
    expect(verdict.status).toBe('pass');
    expect(verdict.runs[0]!.base!.started_at).toBe('2026-11-21T10:00:00.000Z');
  });

  it('uses the spread of three or more stored runs (history)', async () => {
    const history = ['2026-11-18', '2026-11-19', '2026-11-20'].map((d, i) =>
      results(
        'gpu',
        steady.map((v) => v + i),
        `${d}T10:00:00.000Z`,
      ),
    );
    const verdict = await labelVerdict(results('gpu', slower, '2026-11-22T11:00:00.000Z'), settings, {
      store: store(history),
      now,
      log: recordingLogger(),
    });
    expect(verdict.strategy).toBe('baseline-history');
    expect(verdict.status).toBe('regression');
  });

  it("judges a file baseline recorded under another label as this label's (the file store has warned)", async () => {
    const verdict = await labelVerdict(results('gpu', slower), settings, {
      store: store([results('laptop', steady)]),
      now,
      log: recordingLogger(),
    });
    expect(verdict.status).toBe('regression');
    expect(verdict.runs[0]!.base!.runner.label).toBe('gpu');
  });
});

describe('mergeVerdicts', () => {
  it('sums the labels into one verdict: worst status, summed counts, geomeans over all compared cases, strategies per label', async () => {
    const log = recordingLogger();
    const gpu = await labelVerdict(abResults('gpu', steady, slower), settings, { store: undefined, now, log });
    const pi = await labelVerdict(results('pi', steady), settings, {
      store: store([
        results(
          'pi',
          steady.map((v) => v * 2),
        ),
      ]),
      now,
      log,
    });
    const mac = await labelVerdict(results('mac', steady), settings, { store: store([]), now, log });
    const merged = mergeVerdicts([gpu, pi, mac], now);
    expect(merged.status).toBe('regression');
    expect(merged.runs.map((r) => [r.label, r.strategy])).toEqual([
      ['gpu', 'ab'],
      ['pi', 'baseline'],
      ['mac', 'baseline'],
    ]);
    expect(merged.strategy).toBe('baseline');
    expect(merged.notes).toContain('runner labels used different strategies: gpu ab, pi baseline, mac baseline');
    expect(merged.cases.map((c) => c.label)).toEqual(['gpu', 'pi', 'mac']);
    for (const key of ['regressions', 'improvements', 'unchanged', 'limits', 'new', 'missing'] as const) {
      expect(merged.summary[key]).toBe(gpu.summary[key] + pi.summary[key] + mac.summary[key]);
    }
    const ratios = [gpu, pi].map((v) => v.cases[0]!.metrics.decode_tps!.ratio!);
    expect(merged.summary.geomean.decode_tps).toBeCloseTo(Math.sqrt(ratios[0]! * ratios[1]!), 12);
    expect(gatedFailures(merged)).toBe(gatedFailures(gpu) + gatedFailures(pi));
    expect(gatedFailures(merged)).toBe(2);
    expect(merged.created_at).toBe(now.toISOString());
  });

  it('passes when no label regressed, and is no-baseline only when no label had one', async () => {
    const log = recordingLogger();
    const pass = await labelVerdict(results('pi', steady), settings, {
      store: store([results('pi', steady)]),
      now,
      log,
    });
    const none = await labelVerdict(results('mac', steady), settings, { store: undefined, now, log });
    expect(mergeVerdicts([pass, none], now).status).toBe('pass');
    expect(mergeVerdicts([none], now)).toBe(none);
    const none2 = await labelVerdict(results('gpu', steady), settings, { store: undefined, now, log });
    expect(mergeVerdicts([none, none2], now).status).toBe('no-baseline');
    expect(() => mergeVerdicts([none, none], now)).toThrow(InputError);
    expect(() => mergeVerdicts([none, none], now)).toThrow(/two results for runner label "mac"/);
  });
});

describe('A/B results as a baseline', () => {
  it('keeps only the head side, as an ordinary run', () => {
    const ab = abResults('gpu', steady, slower);
    expect(isABResults(ab)).toBe(true);
    const head = headSideOnly(ab);
    expect(isABResults(head)).toBe(false);
    expect(head.cases).toHaveLength(1);
    expect(head.cases[0]!.samples.decode_tps).toEqual(slower);
    const plain = results('gpu', steady);
    expect(headSideOnly(plain)).toBe(plain);
  });
});
