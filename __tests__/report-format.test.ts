// Number, unit, change, p-value and verdict formatting of reports.
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatChange,
  formatInterval,
  formatNumber,
  formatPValue,
  formatTime,
  formatValue,
  pluralize,
  shortRef,
  shortSha,
  verdictMark,
} from '../src/report/format.js';
import { mermaidChart } from '../src/report/chart.js';

describe('formatNumber', () => {
  it.each([
    [58.36, '58.4'],
    [102.85, '103'],
    [1533.4, '1,533'],
    [1234567, '1,234,567'],
    [3.32, '3.32'],
    [0.2, '0.2'],
    [0.000123, '0.000123'],
    [0.0000123, '1.23e-5'],
    [0, '0'],
    [-12.34, '−12.3'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
    ['12', '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it('takes the number of significant digits', () => {
    expect(formatNumber(3.14159, 5)).toBe('3.1416');
    expect(formatNumber(3.14159, 1)).toBe('3');
  });
});

describe('formatValue', () => {
  it.each([
    [85.2, 'ms', '85.2 ms'],
    [9999, 'ms', '9,999 ms'],
    [678_000, 'ms', '678 s'],
    [58.36, 'tok/s', '58.4 tok/s'],
    [1612, 'MB', '1,612 MB'],
    [73.5, '°C', '73.5 °C'],
    [0.995, 'ratio', '99.5%'],
    [1, 'ratio', '100%'],
    [0, 'count', '0'],
    [128, 'tok', '128 tok'],
    [3, '', '3'],
  ])('%s %s → %s', (value, unit, expected) => {
    expect(formatValue(value, unit)).toBe(expected);
  });
});

describe('formatChange', () => {
  it.each([
    [0.82, '−18%'],
    [0.877, '−12%'],
    [0.905, '−9.5%'],
    [1.034, '+3.4%'],
    [1.0042, '+0.42%'],
    [1, '±0%'],
    [1.00001, '±0%'],
    [2.39, '+139%'],
    [25, '+2,400%'],
    [null, '—'],
  ])('%s → %s', (ratio, expected) => {
    expect(formatChange(ratio)).toBe(expected);
  });

  it('uses a real minus sign', () => {
    expect(formatChange(0.5).codePointAt(0)).toBe(0x2212);
  });

  it('formats an interval of ratios', () => {
    expect(formatInterval([0.79, 0.85])).toBe('[−21%, −15%]');
    expect(formatInterval(null)).toBe('—');
  });
});

describe('p-values, marks and words', () => {
  it.each([
    [0.0002, '<0.001', 'p<0.001'],
    [0.001, '0.001', 'p=0.001'],
    [0.0024, '0.002', 'p=0.002'],
    [0.485, '0.485', 'p=0.485'],
    [1, '1.000', 'p=1.000'],
    [null, '—', '—'],
  ])('p %s → %s / %s', (p, bare, prefixed) => {
    expect(formatPValue(p)).toBe(bare);
    expect(formatPValue(p, true)).toBe(prefixed);
  });

  it('marks every verdict', () => {
    expect(['regression', 'limit', 'improvement', 'unchanged', 'new', 'missing', 'bogus'].map(verdictMark)).toEqual([
      '⚠️ regression',
      '🚫 limit',
      '🚀 improvement',
      '~',
      '🆕 new',
      '❔ missing',
      '—',
    ]);
  });

  it('formats bytes, times, shas, refs and plurals', () => {
    expect(formatBytes(33_554_432_000)).toBe('31.3 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatTime('2026-11-21T09:31:07.000Z')).toBe('2026-11-21 09:31 UTC');
    expect(formatTime('2026-11-21T10:31:07+01:00')).toBe('2026-11-21 09:31 UTC');
    expect(formatTime('yesterday')).toBeNull();
    expect(shortSha('9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2A1B0C')).toBe('9b8c7d6');
    expect(shortSha('not-a-sha')).toBe('not-a-sha');
    expect(shortRef('refs/heads/feature/x')).toBe('feature/x');
    expect(shortRef('refs/tags/v1.2')).toBe('v1.2');
    expect(shortRef('refs/pull/42/merge')).toBe('pull/42/merge');
    expect(pluralize(1, 'regression')).toBe('1 regression');
    expect(pluralize(1204, 'row')).toBe('1,204 rows');
  });
});

describe('mermaidChart', () => {
  it('plots base as bars and head as a line on a round axis', () => {
    expect(
      mermaidChart({ metric: 'decode_tps', unit: 'tok/s', points: [{ label: 'a', base: 98.4, head: 80.7 }] }),
    ).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "decode_tps medians: bars base, line head"',
        '  x-axis ["a"]',
        '  y-axis "tok/s" 0 --> 200',
        '  bar [98.4]',
        '  line [80.7]',
        '```',
      ].join('\n'),
    );
  });

  it('says how many cases it shows and keeps duplicate labels apart', () => {
    const chart = mermaidChart({
      metric: 'ttft_ms',
      unit: 'ms',
      total: 48,
      points: [
        { label: 'x', base: null, head: 1e-7 },
        { label: 'x', base: null, head: 12_345.678 },
      ],
    });
    expect(chart).toContain('title "ttft_ms head medians, 2 of 48 cases"');
    expect(chart).toContain('x-axis ["x", "x (2)"]');
    expect(chart).toContain('bar [0, 12350]');
    expect(chart).toContain('y-axis "ms" 0 --> 20000');
  });

  it('is empty when there is nothing to plot', () => {
    expect(mermaidChart({ metric: 'decode_tps', unit: 'tok/s', points: [] })).toBe('');
    expect(
      mermaidChart({ metric: 'decode_tps', unit: 'tok/s', points: [{ label: 'a', base: null, head: Number.NaN }] }),
    ).toBe('');
  });
});
