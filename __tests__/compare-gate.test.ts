// The gate cannot be turned green by accident: one count, incomplete never a pass, the base owns the gates, safe logs.
import { describe, expect, it } from 'vitest';
import {
  countCases,
  gatesForPullRequest,
  mergeVerdicts,
  compareSettings,
  isGated,
  thresholdFor,
} from '../src/compare/index.js';
import { checkConclusion, checkTitle } from '../src/github/check.js';
import { stepFailure } from '../src/action/main-impl.js';
import { logSafe } from '../src/util/log-safe.js';
import { loadVerdict } from './fixtures/verdicts/index.js';
import type { Verdict } from '../src/schema/verdict.js';

type Cfg = NonNullable<Parameters<typeof gatesForPullRequest>[1]>;
const cfg = (gates: Cfg['gates'], compare: Partial<Cfg['compare']> = {}): Cfg => ({
  gates,
  compare: { alpha: 0.05, min_effect: 0.03, headline: 'decode_tps', ...compare },
});

describe('gatesForPullRequest: the base branch owns the gates', () => {
  it('a PR that loosens a threshold is judged by the base, and the change is reported', () => {
    const s = gatesForPullRequest(cfg({ decode_tps: { regression: 0.05 } }), cfg({ decode_tps: { regression: 0.5 } }));
    expect(s.gatesFrom).toBe('base');
    expect(thresholdFor('decode_tps', s)).toBe(0.05);
    expect(s.gateChanges).toEqual(["this PR loosens decode_tps regression 5% → 50%; the base's 5% applied"]);
  });

  it('a PR that removes a gate, or all gates, still gates on the base', () => {
    const removed = gatesForPullRequest(
      cfg({ decode_tps: { regression: 0.05 }, ttft_ms: { regression: 0.1 } }),
      cfg({ ttft_ms: { regression: 0.1 } }),
    );
    expect(isGated('decode_tps', 'higher', removed)).toBe(true);
    expect(thresholdFor('decode_tps', removed)).toBe(0.05);
    expect(removed.gateChanges).toEqual([
      "this PR removes the decode_tps gate (regression 5%); the base's gate applied",
    ]);
    // The base has no explicit gates: its default set keeps gating after the PR lists one metric of its own.
    const defaults = gatesForPullRequest(cfg({}), cfg({ output_tokens: { min: 1 } }));
    for (const metric of ['decode_tps', 'prefill_tps', 'ttft_ms', 'e2e_ms', 'success_rate'])
      expect(isGated(metric, metric === 'ttft_ms' || metric === 'e2e_ms' ? 'lower' : 'higher', defaults)).toBe(true);
    expect(defaults.gates.output_tokens).toMatchObject({ min: 1 });
  });

  it('a PR may tighten: a smaller threshold, a higher minimum, a lower maximum, a new gate, a larger alpha', () => {
    const s = gatesForPullRequest(
      cfg({ decode_tps: { regression: 0.1, min: 20 }, temp_max_c: { max: 80 } }),
      cfg(
        { decode_tps: { regression: 0.05, min: 25 }, temp_max_c: { max: 75 }, ttft_ms: { regression: 0.2 } },
        { alpha: 0.1 },
      ),
    );
    expect(s.gates.decode_tps).toEqual({ regression: 0.05, min: 25 });
    expect(s.gates.temp_max_c?.max).toBe(75);
    expect(isGated('ttft_ms', 'lower', s)).toBe(true);
    expect(s.alpha).toBe(0.1);
    expect(s.gateChanges).toEqual(
      [
        'this PR tightens decode_tps regression 10% → 5%; applied',
        'this PR tightens temp_max_c regression 3% → 3%; applied',
        'this PR adds the ttft_ms gate (regression 20%); applied',
        'this PR tightens decode_tps min 20 → 25; applied',
        'this PR tightens temp_max_c max 80 → 75; applied',
        'this PR tightens compare.alpha 0.05 → 0.1; applied',
      ].filter((c) => !c.includes('3% → 3%')),
    );
  });

  it("limits a PR widens or drops, a smaller alpha, a larger min_effect and another headline are the base's", () => {
    const s = gatesForPullRequest(
      cfg({ decode_tps: { min: 20 }, temp_max_c: { max: 75 } }, { alpha: 0.05, min_effect: 0.03 }),
      cfg({ decode_tps: { min: 2 } }, { alpha: 0.001, min_effect: 0.2, headline: 'ttft_ms' }),
    );
    expect(s.gates.decode_tps?.min).toBe(20);
    expect(s.gates.temp_max_c?.max).toBe(75);
    expect(s).toMatchObject({ alpha: 0.05, min_effect: 0.03, headline: 'decode_tps' });
    expect(s.gateChanges).toEqual(
      expect.arrayContaining([
        "this PR loosens decode_tps min 20 → 2; the base's 20 applied",
        "this PR removes temp_max_c max 75; the base's max 75 applied",
        "this PR loosens compare.alpha 0.05 → 0.001; the base's 0.05 applied",
        "this PR loosens compare.min_effect 3% → 20%; the base's 3% applied",
        "this PR changes the headline metric decode_tps → ttft_ms; the base's decode_tps applied",
      ]),
    );
  });

  it("without a base config the PR's gates apply and the report says so; identical configs change nothing", () => {
    const first = gatesForPullRequest(null, cfg({ decode_tps: { regression: 0.5 } }));
    expect(first).toMatchObject({ gatesFrom: 'head', gates: { decode_tps: { regression: 0.5 } } });
    expect(first.gateChanges).toEqual([
      "the base branch has no llm-bench config yet: this pull request's own gates applied",
    ]);
    const same = gatesForPullRequest(
      cfg({ decode_tps: { regression: 0.05 } }),
      cfg({ decode_tps: { regression: 0.05 } }),
    );
    expect(same.gateChanges).toEqual([]);
    expect(compareSettings(cfg({ decode_tps: { regression: 0.05 } })).gatesFrom).toBeUndefined();
  });
});

describe('one count', () => {
  const mixed = loadVerdict('mixed');

  it('counts gated regressions as regressions and ungated ones apart; the check title uses the same numbers', () => {
    const counts = countCases(mixed.cases);
    let gated = 0;
    let ungated = 0;
    for (const c of mixed.cases)
      for (const m of Object.values(c.metrics)) if (m.verdict === 'regression') m.gated ? gated++ : ungated++;
    expect(counts.regressions).toBe(gated);
    expect(counts.worseNotGated).toBe(ungated);
    expect(counts.failures).toBe(counts.regressions + counts.limits);
    const summary = {
      ...mixed.summary,
      regressions: counts.regressions,
      worse_not_gated: counts.worseNotGated,
      limits: counts.limits,
    };
    const title = checkTitle({ status: 'regression', summary });
    expect(title).toContain(`${counts.regressions} regression`);
    if (ungated > 0) expect(title).toContain(`${ungated} worse but not gated`);
  });

  it('merging keeps one count and carries incomplete reasons; a merged incomplete verdict is never a pass', () => {
    const pass: Verdict = {
      ...mixed,
      status: 'pass',
      cases: mixed.cases.map((c) => ({
        ...c,
        metrics: Object.fromEntries(
          Object.entries(c.metrics).map(([k, m]) => [k, { ...m, verdict: 'unchanged' as const }]),
        ),
      })),
    };
    const a: Verdict = { ...pass, runs: [{ ...pass.runs[0]!, label: 'a' }] };
    const b: Verdict = {
      ...pass,
      runs: [{ ...pass.runs[0]!, label: 'b' }],
      status: 'incomplete',
      incomplete: { cancelled: true, reasons: ['head run on b interrupted'] },
    };
    const merged = mergeVerdicts([a, b], new Date(0));
    expect(merged.status).toBe('incomplete');
    expect(merged.incomplete).toEqual({ cancelled: true, reasons: ['head run on b interrupted'] });
    expect(merged.summary.regressions).toBe(0);
  });
});

describe('incomplete is never a pass', () => {
  it('the check concludes cancelled on cancellation and failure otherwise, neutral only when the user opts out', () => {
    expect(checkConclusion('incomplete', { cancelled: true })).toBe('cancelled');
    expect(checkConclusion('incomplete', { cancelled: true, failOnIncomplete: false })).toBe('cancelled');
    expect(checkConclusion('incomplete', {})).toBe('failure');
    expect(checkConclusion('incomplete', { failOnIncomplete: false })).toBe('neutral');
  });

  it('the step fails with the reasons unless fail-on-incomplete is false; a regression wins', () => {
    const v = {
      ...loadVerdict('no-baseline'),
      status: 'incomplete' as const,
      incomplete: {
        cancelled: false,
        reasons: ['head run on pi partial (a case did not finish): 3 of 16 repetitions ran'],
      },
    };
    expect(stepFailure(v, { failOnRegression: true, failOnIncomplete: true, mode: 'all' })).toBe(
      'llm-bench: the run was incomplete, so it is not a pass: head run on pi partial (a case did not finish): 3 of 16 repetitions ran',
    );
    expect(stepFailure(v, { failOnRegression: true, failOnIncomplete: false, mode: 'all' })).toBeUndefined();
    expect(stepFailure(v, { failOnRegression: true, failOnIncomplete: true, mode: 'run' })).toMatch(/incomplete/);
    expect(
      stepFailure({ ...v, status: 'regression' }, { failOnRegression: true, failOnIncomplete: true, mode: 'all' }),
    ).toMatch(/^llm-bench: /);
    expect(
      stepFailure({ ...v, status: 'regression' }, { failOnRegression: true, failOnIncomplete: true, mode: 'run' }),
    ).toMatch(/incomplete/);
  });
});

describe('logSafe: untrusted text never starts a workflow command', () => {
  it.each([
    ['gpu\n::error title=x::pwned', 'gpu⏎::error title=x::pwned'],
    ['::add-mask::secret', '‹›::add-mask::secret'],
    ['  ::set-output name=x::y', '‹›  ::set-output name=x::y'],
    ['##[error]legacy', '‹›##[error]legacy'],
    ['a\r\n::warning::b\rc', 'a⏎::warning::b⏎c'],
    ['x\u2028::stop-commands::t', 'x⏎::stop-commands::t'],
    ['bell\u0007', 'bell\\u0007'],
    ['plain text: 5 of 10 ok', 'plain text: 5 of 10 ok'],
  ])('%j → %j', (input, expected) => {
    const out = logSafe(input);
    expect(out).toBe(expected);
    expect(out.split(/\r?\n/)).toHaveLength(1);
    expect(out).not.toMatch(/^\s*(::|##\[)/);
  });
});
