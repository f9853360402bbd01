// Number, unit, change and p-value formatting for reports: plain text, deterministic, no locale from the machine.
import type { MetricVerdictKind } from '../schema/verdict.js';

/** A real minus sign: a hyphen before a number reads as a dash and wraps badly. */
export const MINUS = '\u2212';
export const NO_VALUE = '—';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const significantFormats = new Map<number, Intl.NumberFormat>();

function significantFormat(digits: number): Intl.NumberFormat {
  let format = significantFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits, useGrouping: true });
    significantFormats.set(digits, format);
  }
  return format;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * `digits` significant digits, but never rounds the integer part away: 58.36 → "58.4",
 * 1533.4 → "1,533", 0.000123 → "0.000123"; very small numbers in scientific notation.
 */
export function formatNumber(value: unknown, digits = 3): string {
  if (!isNumber(value)) return NO_VALUE;
  const d = Math.min(Math.max(Math.round(digits), 1), 21);
  const abs = Math.abs(value);
  let text: string;
  if (abs === 0) text = '0';
  else if (abs < 1e-4) text = abs.toExponential(d - 1);
  else if (abs >= 10 ** (d - 1)) text = integerFormat.format(abs);
  else text = significantFormat(d).format(abs);
  return value < 0 && text !== '0' ? `${MINUS}${text}` : text;
}

/** A value with its unit, in the unit people read: ms below 10 s, then s; ratios as percentages. */
export function formatValue(value: unknown, unit: string): string {
  if (!isNumber(value)) return NO_VALUE;
  switch (unit) {
    case 'ms':
      return Math.abs(value) >= 10_000 ? `${formatNumber(value / 1000)} s` : `${formatNumber(value)} ms`;
    case 'ratio':
      return `${formatNumber(value * 100)}%`;
    case '°C':
      return `${formatNumber(value)} °C`;
    case '':
    case 'count':
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

/** The change a ratio (head ÷ base) stands for, signed: 0.82 → "−18%", 1.034 → "+3.4%", 1 → "±0%". */
export function formatChange(ratio: unknown): string {
  if (!isNumber(ratio)) return NO_VALUE;
  const percent = (ratio - 1) * 100;
  const abs = Math.abs(percent);
  const decimals = abs >= 10 ? 0 : abs >= 1 ? 1 : 2;
  const rounded = abs.toFixed(decimals);
  if (Number(rounded) === 0) return '±0%';
  const text = abs >= 1000 ? integerFormat.format(abs) : rounded;
  return `${percent < 0 ? MINUS : '+'}${text}%`;
}

/** A confidence interval of a ratio as changes: "[−21%, −15%]". */
export function formatInterval(ci: unknown): string {
  if (!Array.isArray(ci) || ci.length !== 2 || !isNumber(ci[0]) || !isNumber(ci[1])) return NO_VALUE;
  return `[${formatChange(ci[0])}, ${formatChange(ci[1])}]`;
}

/** "0.002", "<0.001"; with `prefix`, "p=0.002", "p<0.001". */
export function formatPValue(p: unknown, prefix = false): string {
  if (!isNumber(p)) return NO_VALUE;
  if (p < 0.001) return prefix ? 'p<0.001' : '<0.001';
  const text = Math.min(p, 1).toFixed(3);
  return prefix ? `p=${text}` : text;
}

/** Bytes in binary units: 8_589_934_592 → "8 GiB". */
export function formatBytes(bytes: unknown): string {
  if (!isNumber(bytes) || bytes < 0) return NO_VALUE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${formatNumber(value)} ${units[i]}`;
}

/** An ISO time as "2026-11-20 10:04 UTC"; null when it is not a time. */
export function formatTime(iso: unknown): string | null {
  if (typeof iso !== 'string' || !iso) return null;
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return null;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A git sha cut to 7 characters; text that is not a sha is returned as it is (the caller escapes it). */
export function shortSha(sha: unknown): string | null {
  if (typeof sha !== 'string' || !sha) return null;
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : sha;
}

/** A git ref as people say it: "refs/heads/feature/x" → "feature/x", "refs/pull/42/merge" → "pull/42/merge". */
export function shortRef(ref: unknown): string | null {
  if (typeof ref !== 'string' || !ref) return null;
  return ref.replace(/^refs\/(heads\/|tags\/)?/, '');
}

export const VERDICT_ICONS: Record<MetricVerdictKind, string> = {
  regression: '⚠️',
  limit: '🚫',
  improvement: '🚀',
  unchanged: '~',
  new: '🆕',
  missing: '❔',
};

const VERDICT_WORDS: Record<MetricVerdictKind, string> = {
  regression: 'regression',
  limit: 'limit',
  improvement: 'improvement',
  unchanged: '',
  new: 'new',
  missing: 'missing',
};

/** Units of speeds and times: a change for the worse in them reads "slower". */
const SPEED_UNITS = new Set(['tok/s', 'req/s', 'ms', 's', 'µs', 'us', 'ns']);

/**
 * "⚠️ regression", "🚫 limit", "🚀 improvement", "~", "🆕 new", "❔ missing". A change for the worse in a metric that
 * does not gate (`gated` false) is never called a regression: "↘️ slower, not gated" (speeds and times) or
 * "↘️ worse, not gated".
 */
export function verdictMark(kind: unknown, gated?: unknown, unit?: unknown): string {
  if (typeof kind !== 'string' || !(kind in VERDICT_ICONS)) return NO_VALUE;
  const k = kind as MetricVerdictKind;
  if (k === 'regression' && gated === false)
    return `↘️ ${typeof unit === 'string' && SPEED_UNITS.has(unit) ? 'slower' : 'worse'}, not gated`;
  return VERDICT_WORDS[k] ? `${VERDICT_ICONS[k]} ${VERDICT_WORDS[k]}` : VERDICT_ICONS[k];
}

/** "1 regression", "2 regressions", "1,204 rows"; `plural` for irregular words. */
export function pluralize(count: number, word: string, plural = `${word}s`): string {
  return `${integerFormat.format(count).replace('-', MINUS)} ${count === 1 ? word : plural}`;
}
