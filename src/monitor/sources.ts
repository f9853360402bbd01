// Parsers of what the system tools print, for the soak monitor's time series. Each follows the tool's documented
// format and is tested on recorded outputs (__tests__/fixtures/monitor/); a source that is absent or unreadable
// gives undefined, and the monitor says "not available" with a note.

/** A GPU as `nvidia-smi --query-gpu=<GPU_QUERY> --format=csv,noheader,nounits` reports it. */
export interface GpuSample {
  index: number;
  name: string;
  temp_c?: number;
  memory_used_mb?: number;
  memory_total_mb?: number;
  utilization_pct?: number;
  power_w?: number;
  /** Decoded `clocks_throttle_reasons.active` (nvidia-smi --help-query-gpu), without "GPU idle". */
  throttle_reasons: string[];
}

/** The fields asked of nvidia-smi, in order. */
export const GPU_QUERY =
  'index,name,temperature.gpu,memory.used,memory.total,utilization.gpu,power.draw,clocks_throttle_reasons.active';

/** nvidia-smi's clocks_throttle_reasons bits (nvidia-smi --help-query-gpu, NVML nvmlClocksThrottleReasons). */
const GPU_THROTTLE_BITS: Array<[number, string]> = [
  [0x2, 'applications clocks setting'],
  [0x4, 'software power cap'],
  [0x8, 'hardware slowdown'],
  [0x10, 'sync boost'],
  [0x20, 'software thermal slowdown'],
  [0x40, 'hardware thermal slowdown'],
  [0x80, 'hardware power brake slowdown'],
  [0x100, 'display clock setting'],
];

/** "[N/A]", "[Not Supported]" and empty fields are absent values, not zeros. */
function field(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '' || text.startsWith('[')) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function decodeGpuThrottleReasons(mask: number): string[] {
  return GPU_THROTTLE_BITS.filter(([bit]) => (mask & bit) !== 0).map(([, name]) => name);
}

/** One GPU per CSV line; lines that are not GPU records (an error message) are skipped. */
export function parseNvidiaSmi(csv: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const line of csv.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const cells = line.split(',').map((c) => c.trim());
    const index = field(cells[0]);
    if (index === undefined || cells.length < 8) continue;
    const maskText = cells[7] ?? '';
    const mask = /^0x[0-9a-f]+$/i.test(maskText) ? Number.parseInt(maskText.slice(2), 16) : 0;
    const sample: GpuSample = { index, name: cells[1] ?? '', throttle_reasons: decodeGpuThrottleReasons(mask) };
    const put = (
      key: 'temp_c' | 'memory_used_mb' | 'memory_total_mb' | 'utilization_pct' | 'power_w',
      value: number | undefined,
    ): void => {
      if (value !== undefined) sample[key] = value;
    };
    put('temp_c', field(cells[2]));
    put('memory_used_mb', field(cells[3]));
    put('memory_total_mb', field(cells[4]));
    put('utilization_pct', field(cells[5]));
    put('power_w', field(cells[6]));
    out.push(sample);
  }
  return out;
}

/** `vcgencmd measure_temp` → `temp=48.3'C` (Raspberry Pi documentation, "vcgencmd"). */
export function parseVcgencmdTemp(text: string): number | undefined {
  const m = /temp=(-?\d+(?:\.\d+)?)'C/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `vcgencmd get_throttled` → `throttled=0x50005`: the bit field (decodeThrottled in compare/soak.ts names the bits). */
export function parseVcgencmdThrottled(text: string): number | undefined {
  const m = /throttled=0x([0-9a-f]+)/i.exec(text);
  return m ? Number.parseInt(m[1]!, 16) : undefined;
}

/** Memory in use as a share of the machine, from /proc/meminfo: (MemTotal − MemAvailable) ÷ MemTotal × 100 (proc(5)). */
export function parseMeminfoUsedPct(text: string): number | undefined {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  if (!total || available === undefined) return undefined;
  return ((total - available) / total) * 100;
}

/**
 * macOS without root: `sysctl -n kern.memorystatus_level` is the share of memory free (what `memory_pressure` prints
 * as "System-wide memory free percentage"), so used = 100 − it.
 */
export function parseMacMemoryUsedPct(text: string): number | undefined {
  const free = Number(text.trim());
  return Number.isFinite(free) && text.trim() !== '' && free >= 0 && free <= 100 ? 100 - free : undefined;
}

/**
 * macOS without root: `pmset -g therm` prints `CPU_Speed_Limit = 63` once the system has limited the CPU for heat
 * (100 = none), or notes that no thermal warning was recorded. Temperatures need `sudo powermetrics`.
 */
export function parsePmsetTherm(text: string): { cpu_speed_limit_pct: number } | { none: true } | undefined {
  const m = /CPU_Speed_Limit\s*=\s*(\d+)/.exec(text);
  if (m) return { cpu_speed_limit_pct: Number(m[1]) };
  if (/No thermal warning level has been recorded/.test(text)) return { none: true };
  return undefined;
}

/** What the monitor says for a source it could not read, per platform. */
export const NOT_AVAILABLE_NOTES = {
  temperature: 'temperature: not available (no readable /sys/class/thermal zone, vcgencmd or nvidia-smi)',
  macTemperature:
    'temperature: not available without root on macOS (sudo powermetrics --samplers smc); thermal limiting from pmset -g therm',
  gpu: 'GPU: not available (no nvidia-smi on the PATH)',
  throttling: 'throttling: not available (vcgencmd get_throttled is Raspberry Pi only)',
} as const;
