// The concurrency driver for the HTTP engines: N requests in flight (optionally Poisson arrivals), throughput and latency percentiles as `vllm bench serve` reports them.
//
// vLLM (vllm/benchmarks/serve.py) issues requests at arrival times drawn from a gamma distribution
// (exponential for the default burstiness 1, i.e. a Poisson process), rescaled so the last arrival falls
// exactly at requests ÷ rate, and lets at most `max_concurrency` run at once (a semaphore). Without a rate
// every request arrives at once, so exactly N stay in flight until the queue runs dry. Throughput is over
// the wall time of the whole run: request throughput = completed ÷ duration, output throughput = output
// tokens of successful requests ÷ duration. Latency percentiles are over successful requests; ITL
// percentiles pool the gaps of all requests.
import type { Generation } from '../engines/types.js';
import { EngineError } from '../engines/types.js';
import { getErrorMessage } from '../util/errors.js';
import { quantile } from '../stats/descriptive.js';
import { seededRandom } from '../stats/random.js';
import { interTokenGapsMs, metricsOfGeneration } from './metrics.js';

export interface LoadOutcome {
  index: number;
  /** Milliseconds from the start of the run. */
  startMs: number;
  endMs: number;
  generation?: Generation;
  /** `retries`: attempts of the failed request that were sent again (see Generation.retries). */
  error?: { kind: EngineError['kind']; message: string; retries?: string[] };
}

export interface LoadOptions {
  requests: number;
  /** Requests kept in flight at once. */
  concurrency: number;
  /** Mean arrival rate (requests/s) of a Poisson process; absent: all requests are ready at once. */
  ratePerSec?: number;
  /** Seed of the arrival times (default 1). */
  seed?: number;
  /** Per-request time-out: the request's signal is aborted and its slot freed. */
  timeoutMs: number;
  send: (index: number, signal: AbortSignal) => Promise<Generation>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called as each request ends, so results can be written as they come. */
  onOutcome?: (outcome: LoadOutcome) => void;
}

export interface LoadResult {
  /** Successful generations, in request order. */
  generations: Generation[];
  errors: Array<{ index: number; kind: EngineError['kind']; message: string; retries?: string[] }>;
  /** Every request, in request order. */
  outcomes: LoadOutcome[];
  wallMs: number;
  maxInFlight: number;
  metrics: Record<string, number>;
}

/** Arrival offsets (ms) of `count` requests at `ratePerSec`, as vLLM draws them (exponential gaps, rescaled). Seeded. */
export function poissonArrivalsMs(count: number, ratePerSec: number, seed = 1): number[] {
  if (count <= 0) return [];
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) return new Array<number>(count).fill(0);
  const random = seededRandom(seed);
  const offsets: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += -Math.log(1 - random()) / ratePerSec;
    offsets.push(t);
  }
  // vLLM: "close the gap" between the random sum and requests/rate so throughput is stable across seeds.
  const scale = count / ratePerSec / t;
  return offsets.map((s) => s * scale * 1000);
}

function percentiles(name: string, xs: number[], out: Record<string, number>): void {
  if (xs.length === 0) return;
  out[`${name}_p50_ms`] = quantile(xs, 0.5);
  out[`${name}_p99_ms`] = quantile(xs, 0.99);
}

/** Throughput, success rate and latency percentiles of a load run. Pure. */
export function loadMetrics(outcomes: LoadOutcome[], wallMs: number): Record<string, number> {
  const ok = outcomes.filter((o) => o.generation).map((o) => o.generation!);
  const seconds = wallMs / 1000;
  const out: Record<string, number> = {
    success_rate: outcomes.length > 0 ? ok.length / outcomes.length : 0,
  };
  if (seconds > 0) {
    out.request_tps = ok.length / seconds;
    out.output_tps = ok.reduce((sum, g) => sum + (g.outputTokens ?? 0), 0) / seconds;
  }
  const per = ok.map(metricsOfGeneration);
  percentiles(
    'ttft',
    per.flatMap((m) => (m.ttft_ms !== undefined ? [m.ttft_ms] : [])),
    out,
  );
  // vLLM leaves requests of one token out of TPOT.
  percentiles(
    'tpot',
    per.flatMap((m) => (m.tpot_ms !== undefined ? [m.tpot_ms] : [])),
    out,
  );
  percentiles(
    'e2e',
    per.map((m) => m.e2e_ms!),
    out,
  );
  percentiles(
    'itl',
    ok.flatMap((g) => interTokenGapsMs(g)),
    out,
  );
  return out;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? realSleep;
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const arrivals = opts.ratePerSec ? poissonArrivalsMs(opts.requests, opts.ratePerSec, opts.seed ?? 1) : undefined;
  const outcomes: LoadOutcome[] = new Array(opts.requests);
  const running = new Set<Promise<void>>();
  let inFlight = 0;
  let maxInFlight = 0;
  let callbackError: unknown;
  const start = now();

  const launch = (index: number): Promise<void> => {
    const controller = new AbortController();
    const startMs = now() - start;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let timer: NodeJS.Timeout | undefined;
    // A send that ignores its signal must still give its slot back at the time-out.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new EngineError(`request ${index} timed out after ${opts.timeoutMs} ms`, 'timeout');
        controller.abort(error);
        reject(error);
      }, opts.timeoutMs);
    });
    let attempt: Promise<Generation>;
    try {
      attempt = Promise.resolve(opts.send(index, controller.signal));
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt.catch(() => {}); // settled after the time-out won the race: nothing waits for it any more
    const done = Promise.race([attempt, timedOut]).then(
      (generation) => ({ index, startMs, endMs: now() - start, generation }) as LoadOutcome,
      (error: unknown) =>
        ({
          index,
          startMs,
          endMs: now() - start,
          error: {
            kind: error instanceof EngineError ? error.kind : 'engine',
            message: getErrorMessage(error),
            ...(error instanceof EngineError && error.retries?.length ? { retries: error.retries } : {}),
          },
        }) as LoadOutcome,
    );
    const slot = done.then((outcome) => {
      clearTimeout(timer);
      inFlight--;
      outcomes[index] = outcome;
      running.delete(slot);
      try {
        opts.onOutcome?.(outcome);
      } catch (error) {
        callbackError ??= error;
      }
    });
    running.add(slot);
    return slot;
  };

  for (let i = 0; i < opts.requests; i++) {
    if (arrivals) {
      const wait = arrivals[i]! - (now() - start);
      if (wait > 0) await sleep(wait);
    }
    while (running.size >= concurrency) await Promise.race(running);
    void launch(i);
  }
  while (running.size > 0) await Promise.race(running);
  const wallMs = now() - start;
  if (callbackError !== undefined) throw callbackError;

  const generations = outcomes.filter((o) => o.generation).map((o) => o.generation!);
  const errors = outcomes.filter((o) => o.error).map((o) => ({ index: o.index, ...o.error! }));
  return { generations, errors, outcomes, wallMs, maxInFlight, metrics: loadMetrics(outcomes, wallMs) };
}
