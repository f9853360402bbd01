// Samples the machine while a case runs: peak RSS of the engine process, hottest sensor, throttling, load.
import { readFile, readdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';

export interface MonitorSummary {
  peak_rss_mb?: number;
  temp_max_c?: number;
  throttled?: number;
  load_max?: number;
}

export interface Monitor {
  /** Starts a sampling window (one per case); returns a function that ends it and summarises. */
  window(): () => MonitorSummary;
  stop(): void;
}

export interface MonitorSources {
  /** RSS in bytes of the process(es) that run the model. */
  rssBytes: () => Promise<number | undefined>;
  /** Hottest temperature sensor in °C. */
  tempC: () => Promise<number | undefined>;
  /** Whether the firmware reports throttling right now (Raspberry Pi `vcgencmd get_throttled`). */
  throttled: () => Promise<boolean | undefined>;
  load1: () => number;
}

async function hottestThermalZoneC(root = '/sys/class/thermal'): Promise<number | undefined> {
  const zones = await readdir(root).catch(() => [] as string[]);
  let max: number | undefined;
  for (const zone of zones.filter((z) => z.startsWith('thermal_zone'))) {
    const raw = await readFile(`${root}/${zone}/temp`, 'utf8').catch(() => '');
    const milli = Number.parseInt(raw, 10);
    // Zones report millidegrees; some virtual zones report nonsense (negative, > 150 °C): skip them.
    if (Number.isFinite(milli) && milli > 0 && milli < 150_000) max = Math.max(max ?? -Infinity, milli / 1000);
  }
  return max;
}

function run(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolveRun) => {
    execFile(cmd, args, { timeout: 2000 }, (error, stdout) => resolveRun(error ? undefined : stdout));
  });
}

let vcgencmdMissing = false;
async function piThrottled(): Promise<boolean | undefined> {
  if (vcgencmdMissing) return undefined;
  const out = await run('vcgencmd', ['get_throttled']);
  if (out === undefined) {
    vcgencmdMissing = true;
    return undefined;
  }
  // throttled=0x50005: bit 2 = currently throttled, bit 1 = arm frequency capped.
  const value = Number.parseInt(out.split('=')[1] ?? '', 16);
  return Number.isFinite(value) ? (value & 0b110) !== 0 : undefined;
}

/** RSS of every process whose command name is `name` (Linux /proc), e.g. an `ollama` server. */
export async function rssOfProcessesNamed(name: string): Promise<number | undefined> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  let total = 0;
  let found = false;
  for (const pid of pids) {
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm !== name) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) {
      total += Number(kb) * 1024;
      found = true;
    }
  }
  return found ? total : undefined;
}

export function defaultSources(engineProcess: 'self' | { name: string }): MonitorSources {
  return {
    rssBytes:
      engineProcess === 'self' ? async () => process.memoryUsage().rss : () => rssOfProcessesNamed(engineProcess.name),
    tempC: () => hottestThermalZoneC(),
    throttled: piThrottled,
    load1: () => loadavg()[0]!,
  };
}

/** Samples every `intervalMs` in the background; the timer is unref'd so it never keeps the process alive. */
export function startMonitor(sources: MonitorSources, intervalMs = 500): Monitor {
  const windows = new Set<MonitorSummary>();
  let busy = false;
  const sample = async (): Promise<void> => {
    if (busy || windows.size === 0) return;
    busy = true;
    try {
      const [rss, temp, thr] = await Promise.all([sources.rssBytes(), sources.tempC(), sources.throttled()]);
      const load = sources.load1();
      for (const w of windows) {
        if (rss !== undefined) w.peak_rss_mb = Math.max(w.peak_rss_mb ?? 0, rss / 1e6);
        if (temp !== undefined) w.temp_max_c = Math.max(w.temp_max_c ?? -Infinity, temp);
        if (thr !== undefined) w.throttled = (w.throttled ?? 0) + (thr ? 1 : 0);
        w.load_max = Math.max(w.load_max ?? 0, load);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    window() {
      const w: MonitorSummary = {};
      windows.add(w);
      void sample();
      return () => {
        windows.delete(w);
        return { ...w };
      };
    },
    stop() {
      clearInterval(timer);
      windows.clear();
    },
  };
}
