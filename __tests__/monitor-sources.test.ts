// The monitor's parsers on recorded outputs of the real tools' documented formats (__tests__/fixtures/monitor/).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  GPU_QUERY,
  decodeGpuThrottleReasons,
  parseMacMemoryUsedPct,
  parseMeminfoUsedPct,
  parseNvidiaSmi,
  parsePmsetTherm,
  parseVcgencmdTemp,
  parseVcgencmdThrottled,
} from '../src/monitor/sources.js';
import { decodeThrottled } from '../src/compare/soak.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/monitor/${name}`, import.meta.url), 'utf8');

describe('monitor sources', () => {
  it('nvidia-smi --query-gpu CSV: one sample per GPU, throttle reasons decoded', () => {
    expect(GPU_QUERY.split(',')).toHaveLength(8);
    expect(parseNvidiaSmi(fixture('nvidia-smi-query-gpu.csv'))).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4080 Laptop GPU',
        temp_c: 52,
        memory_used_mb: 9123,
        memory_total_mb: 12282,
        utilization_pct: 97,
        power_w: 143.27,
        throttle_reasons: [],
      },
      {
        index: 1,
        name: 'NVIDIA H200',
        temp_c: 71,
        memory_used_mb: 80211,
        memory_total_mb: 143771,
        utilization_pct: 100,
        power_w: 612.5,
        throttle_reasons: ['software thermal slowdown'],
      },
    ]);
  });

  it('nvidia-smi fields that are [N/A] or [Not Supported] are absent, not zero', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-not-supported.csv'))).toEqual([
      { index: 0, name: 'Tesla T4', memory_used_mb: 0, memory_total_mb: 15360, throttle_reasons: [] },
    ]);
    expect(parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")).toEqual([]);
    expect(decodeGpuThrottleReasons(0x1 | 0x4 | 0x40)).toEqual(['software power cap', 'hardware thermal slowdown']);
  });

  it('Raspberry Pi vcgencmd: temperature and the throttled bits', () => {
    expect(parseVcgencmdTemp(fixture('vcgencmd-measure_temp.txt'))).toBe(70.2);
    const bits = parseVcgencmdThrottled(fixture('vcgencmd-get_throttled.txt'))!;
    expect(bits).toBe(0x50005);
    expect(decodeThrottled(bits)).toEqual([
      'under-voltage',
      'throttled',
      'under-voltage has occurred',
      'throttling has occurred',
    ]);
    expect(parseVcgencmdTemp('error=1 error_msg="Command not registered"')).toBeUndefined();
  });

  it('/proc/meminfo: used = total − available', () => {
    expect(parseMeminfoUsedPct(fixture('proc-meminfo.txt'))).toBeCloseTo(((3884428 - 2252964) / 3884428) * 100, 10);
    expect(parseMeminfoUsedPct('MemTotal: 100 kB\n')).toBeUndefined();
  });

  it('macOS without root: memory from kern.memorystatus_level, thermal limiting from pmset -g therm', () => {
    expect(parseMacMemoryUsedPct(fixture('sysctl-memorystatus_level.txt'))).toBe(37);
    expect(parseMacMemoryUsedPct('')).toBeUndefined();
    expect(parsePmsetTherm(fixture('pmset-therm-none.txt'))).toEqual({ none: true });
    expect(parsePmsetTherm(fixture('pmset-therm-limited.txt'))).toEqual({ cpu_speed_limit_pct: 63 });
  });
});
