// Progress of a transfer (model download, Ollama pull) as log lines: percent, MB/s, ETA, throttled; and the
// watchdog that gives up a transfer after a stall.
import cliProgress from 'cli-progress';

export interface TransferProgress {
  update(doneBytes: number, totalBytes: number | undefined): void;
  /** The transfer completed: a last line (or the full bar). */
  finish(): void;
  /** The transfer failed or was cancelled: the bar goes away, no "100%" line. */
  stop(): void;
}

export interface StallWatchdog {
  /** Something moved: the stall clock starts again. */
  touch(): void;
  stop(): void;
}

/**
 * Calls `onStall` once when `touch()` has not been called for `ms` (counted from creation). One timer, re-armed
 * only when it fires early, so touching on every chunk of a download costs a clock read.
 */
export function createStallWatchdog(
  ms: number,
  onStall: () => void,
  now: () => number = () => performance.now(),
): StallWatchdog {
  let last = now();
  let timer: NodeJS.Timeout | undefined;
  const arm = (delay: number): void => {
    timer = setTimeout(() => {
      const idle = now() - last;
      if (idle >= ms) {
        timer = undefined;
        onStall();
      } else arm(ms - idle);
    }, delay);
  };
  arm(ms);
  return {
    touch() {
      last = now();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * On a terminal a cli-progress bar; elsewhere (CI logs) one line at most every `everyMs` or every 10%,
 * because a redrawn bar turns into thousands of lines in a GitHub log.
 */
export function createTransferProgress(
  label: string,
  log: (line: string) => void,
  opts: { tty?: boolean; now?: () => number; everyMs?: number } = {},
): TransferProgress {
  const now = opts.now ?? (() => Date.now());
  const started = now();
  const everyMs = opts.everyMs ?? 5000;
  if (opts.tty) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} MB | {speed} MB/s | ETA {eta}s`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(done, total) {
        const speed = mb(done / Math.max(0.001, (now() - started) / 1000));
        if (!startedBar) {
          bar.start(Number(mb(total ?? done)), 0, { speed });
          startedBar = true;
        }
        if (total) bar.setTotal(Number(mb(total)));
        bar.update(Number(mb(done)), { speed });
      },
      finish() {
        if (startedBar) bar.stop();
      },
      stop() {
        if (startedBar) bar.stop();
      },
    };
  }
  let lastLineAt = -Infinity;
  let lastTenth = -1;
  let updated = false;
  let last: [number, number | undefined] = [0, undefined];
  const line = (done: number, total: number | undefined): string => {
    const secs = Math.max(0.001, (now() - started) / 1000);
    const rate = done / secs;
    if (!total) return `${label}: ${mb(done)} MB, ${mb(rate)} MB/s`;
    const pct = ((100 * done) / total).toFixed(0);
    const eta = rate > 0 ? Math.round((total - done) / rate) : undefined;
    return `${label}: ${pct}% of ${mb(total)} MB, ${mb(rate)} MB/s${eta !== undefined && done < total ? `, ETA ${eta}s` : ''}`;
  };
  return {
    update(done, total) {
      updated = true;
      last = [done, total];
      const tenth = total ? Math.floor((10 * done) / total) : -1;
      if (now() - lastLineAt >= everyMs || tenth > lastTenth) {
        log(line(done, total));
        lastLineAt = now();
        lastTenth = tenth;
      }
    },
    finish() {
      // Nothing moved (a file found in the cache): no "0.0 MB" line.
      if (!updated) return;
      const [done, total] = last;
      if (total === undefined || done < total || lastTenth < 10) log(line(total ?? done, total ?? done));
    },
    stop() {
      // The caller says why it stopped; the last progress line already says how far it got.
    },
  };
}
