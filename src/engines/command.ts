// The `command` engine: runs the user's own program once per repetition and reads the metrics it prints as JSON lines.
//
// The program (bench.yml `command:`, an argv list run without a shell, from the config's directory) gets:
//   stdin                    the prompt text, then end of file
//   LLM_BENCH_MODEL          the model name from bench.yml (`models[].name`)
//   LLM_BENCH_MODEL_ID       the model's id (the key in case ids)
//   LLM_BENCH_PARAMS         the case's engine options (fixed `options` and swept `matrix` values) as JSON
//   LLM_BENCH_PARAM_<KEY>    each option on its own, KEY upper-cased (num_ctx → LLM_BENCH_PARAM_NUM_CTX);
//                            lists as JSON
//   LLM_BENCH_PROMPT         the prompt text too, when under 64 KiB (an environment string has a size limit)
//   LLM_BENCH_MAX_TOKENS     the prompt's max_tokens
//   LLM_BENCH_CASE_ID        the case id, and LLM_BENCH_REPETITION the repetition number, when the runner gives them
// and the rest of the environment the engine was created with (PATH, HOME, …).
//
// It prints, one JSON value per line on stdout, any of:
//   {"decode_tps": 58.3, "ttft_ms": 120, "output_tokens": 128}   metric names of src/schema/metrics.ts → numbers
//   {"name": "accuracy", "value": 0.93, "unit": "ratio", "direction": "higher"}   a metric of its own
//   a list of such objects; and {"output": "…"} for the generated text (only its hash is kept).
// Numbers must be finite and ≥ 0; if a metric appears twice the last value counts. Unknown names in the
// first form are recorded with direction "none" (never gated) — declare them in the second form to gate
// them. `e2e_ms` is measured around the process (start to exit) unless the program reports it.
// A non-zero exit fails the repetition with the exit code and the end of stderr; a line that is not JSON
// fails it naming the line; on time-out the whole process group is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import type { Config, ModelSpec } from '../config/parse.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import { METRIC_NAME_PATTERN, isBuiltinMetric, type Direction, type MetricInfo } from '../schema/metrics.js';
import {
  EngineError,
  type Engine,
  type EngineInfo,
  type EngineParams,
  type Generation,
  type GenerationRequest,
  type LoadedModel,
  type PrepareContext,
  type PreparedModel,
} from './types.js';
import { excerpt, nowMs, OutputHash } from './http.js';

const PROMPT_ENV_MAX_BYTES = 64 * 1024;
const STDERR_TAIL_LINES = 15;
const MAX_LINE_CHARS = 1_000_000;
const DIRECTIONS: readonly Direction[] = ['higher', 'lower', 'none'];

/** The environment the program sees for one repetition (on top of the engine's base environment). */
export function commandEnvironment(
  model: PreparedModel,
  params: EngineParams,
  request: Pick<GenerationRequest, 'prompt' | 'maxTokens' | 'caseId' | 'repetition'>,
): Record<string, string> {
  const env: Record<string, string> = {
    LLM_BENCH_MODEL: model.location,
    LLM_BENCH_MODEL_ID: model.identity.id,
    LLM_BENCH_PARAMS: JSON.stringify(params),
    LLM_BENCH_MAX_TOKENS: String(request.maxTokens),
  };
  for (const [key, value] of Object.entries(params)) {
    env[`LLM_BENCH_PARAM_${key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`] = Array.isArray(value)
      ? JSON.stringify(value)
      : String(value);
  }
  if (Buffer.byteLength(request.prompt) <= PROMPT_ENV_MAX_BYTES) env.LLM_BENCH_PROMPT = request.prompt;
  if (request.caseId !== undefined) env.LLM_BENCH_CASE_ID = request.caseId;
  if (request.repetition !== undefined) env.LLM_BENCH_REPETITION = String(request.repetition);
  return env;
}

/** What one stdout line contributed. */
export interface CommandLine {
  values: Record<string, number>;
  declared: Record<string, MetricInfo>;
  output?: string;
}

/**
 * Parses one line of the program's stdout. Throws an EngineError naming the line and what is wrong.
 * `known` holds the custom metrics declared so far, so a direction cannot silently change.
 */
export function parseCommandLine(line: string, lineNo: number, known: Record<string, MetricInfo> = {}): CommandLine {
  const bad = (why: string): EngineError =>
    new EngineError(`line ${lineNo} of the command's stdout ${why}: ${excerpt(line, 100)}`, 'stream');
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw bad('is not JSON (print metrics as one JSON object per line, logs to stderr)');
  }
  const out: CommandLine = { values: {}, declared: {} };
  const number = (name: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`has a non-numeric value for "${name}"`);
    if (value < 0) throw bad(`has a negative value for "${name}"`);
    return value;
  };
  const checkName = (name: string): void => {
    if (!METRIC_NAME_PATTERN.test(name))
      throw bad(`has the metric name "${name}"; expected lower-case letters, digits and _`);
  };
  const entries = Array.isArray(data) ? data : [data];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw bad('is not a JSON object');
    const o = entry as Record<string, unknown>;
    if ('name' in o || 'value' in o) {
      if (typeof o.name !== 'string') throw bad('has "value" without a string "name"');
      checkName(o.name);
      out.values[o.name] = number(o.name, o.value);
      if (!isBuiltinMetric(o.name)) {
        const direction = (o.direction ?? 'none') as Direction;
        if (!DIRECTIONS.includes(direction))
          throw bad(`has direction ${JSON.stringify(o.direction)} for "${o.name}"; expected higher, lower or none`);
        if (o.unit !== undefined && typeof o.unit !== 'string') throw bad(`has a non-string unit for "${o.name}"`);
        const info: MetricInfo = {
          direction,
          unit: (o.unit as string | undefined) ?? '',
          description: typeof o.description === 'string' ? o.description : 'reported by the command',
        };
        const before = known[o.name] ?? out.declared[o.name];
        if (before && before.direction !== info.direction && before.description !== UNDECLARED) {
          throw bad(`declares "${o.name}" with direction ${info.direction}, earlier ${before.direction}`);
        }
        out.declared[o.name] = info;
      }
      continue;
    }
    for (const [key, value] of Object.entries(o)) {
      if (key === 'output') {
        if (typeof value !== 'string') throw bad('has a non-string "output"');
        out.output = (out.output ?? '') + value;
        continue;
      }
      checkName(key);
      out.values[key] = number(key, value);
      if (!isBuiltinMetric(key) && !known[key] && !out.declared[key]) {
        out.declared[key] = { direction: 'none', unit: '', description: UNDECLARED };
      }
    }
  }
  return out;
}

const UNDECLARED = 'reported by the command (no direction declared)';

export interface CommandEngineOptions {
  /** How long a program gets after SIGTERM (time-out) or after its exit (children holding stdout) before SIGKILL. */
  killGraceMs?: number;
  /** Working directory; default: the config file's directory from prepare(). */
  cwd?: string;
}

/** Process groups still running, killed if this process exits first (they were started detached). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) killGroup(g, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

class CommandEngine implements Engine {
  readonly kind = 'command' as const;
  private readonly declared: Record<string, MetricInfo> = {};
  private readonly groups = new Set<number>();
  private cwd: string | undefined;

  constructor(
    private readonly argv: string[],
    private readonly file: string,
    private readonly baseEnv: Record<string, string>,
    private readonly log: (line: string) => void,
    private readonly opts: CommandEngineOptions,
  ) {
    this.cwd = opts.cwd;
  }

  get customMetrics(): Record<string, MetricInfo> {
    return { ...this.declared };
  }

  async info(): Promise<EngineInfo> {
    return { kind: 'command', version: 'unknown' };
  }

  async prepare(model: ModelSpec, ctx: PrepareContext): Promise<PreparedModel> {
    this.cwd ??= ctx.configDir;
    return { identity: { id: model.id, name: model.name, source: model.source }, location: model.name };
  }

  async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
    return { prepared, params };
  }

  private program(): string {
    return basename(this.argv[0]!);
  }

  async generate(model: LoadedModel, request: GenerationRequest): Promise<Generation> {
    const { signal } = request;
    if (signal.aborted)
      throw new EngineError(
        `command ${this.program()} was not started: the request was already aborted (time-out)`,
        'timeout',
      );
    const env = { ...this.baseEnv, ...commandEnvironment(model.prepared, model.params, request) };
    const graceMs = this.opts.killGraceMs ?? 1000;
    const t0 = nowMs();
    let child: ChildProcess;
    try {
      child = spawn(this.argv[0]!, this.argv.slice(1), {
        cwd: this.cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      throw this.spawnError(error);
    }
    return await new Promise<Generation>((resolve, reject) => {
      const values: Record<string, number> = {};
      const hash = new OutputHash();
      const stderrTail: string[] = [];
      let stderrPartial = '';
      let stdoutPartial = '';
      let lineNo = 0;
      let failure: EngineError | undefined;
      let exitMs: number | undefined;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let killedByUs = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const pid = child.pid;
      if (pid !== undefined) {
        trackGroup(pid);
        this.groups.add(pid);
      }

      const terminate = (): void => {
        if (pid === undefined || killedByUs) return;
        killedByUs = true;
        killGroup(pid, 'SIGTERM');
        timers.push(setTimeout(() => forceEnd(pid), graceMs));
      };
      // SIGKILL the group; should something outside it (a process that made its own session) still hold
      // the pipes, stop waiting for them after one more grace period rather than hang the run.
      const forceEnd = (group: number): void => {
        killGroup(group, 'SIGKILL');
        timers.push(
          setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish();
          }, graceMs),
        );
      };
      const fail = (error: EngineError): void => {
        failure ??= error;
        terminate();
      };
      const onAbort = (): void =>
        fail(
          new EngineError(
            `command ${this.program()} timed out after ${Math.round(nowMs() - t0)} ms; its process group was killed`,
            'timeout',
          ),
        );
      signal.addEventListener('abort', onAbort, { once: true });

      const takeLine = (line: string): void => {
        lineNo++;
        if (failure || !line.trim()) return;
        try {
          const parsed = parseCommandLine(line.trim(), lineNo, this.declared);
          Object.assign(values, parsed.values);
          for (const [name, info] of Object.entries(parsed.declared)) {
            if (info.description === UNDECLARED && !this.declared[name])
              this.log(
                `command: metric "${name}" has no declared direction; print {"name":"${name}","value":…,"direction":"higher"|"lower"} to gate it`,
              );
            if (!this.declared[name] || info.description !== UNDECLARED) this.declared[name] = info;
          }
          if (parsed.output !== undefined) hash.update(parsed.output);
        } catch (error) {
          fail(error as EngineError);
        }
      };
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        stdoutPartial += chunk;
        const lines = stdoutPartial.split('\n');
        stdoutPartial = lines.pop() ?? '';
        for (const line of lines) takeLine(line);
        if (stdoutPartial.length > MAX_LINE_CHARS) {
          fail(
            new EngineError(
              `line ${lineNo + 1} of the command's stdout is longer than ${MAX_LINE_CHARS} characters`,
              'stream',
            ),
          );
          stdoutPartial = '';
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        const lines = (stderrPartial + chunk).split('\n');
        stderrPartial = (lines.pop() ?? '').slice(-2000);
        for (const line of lines) {
          stderrTail.push(line.slice(0, 500));
          if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        }
      });
      child.stdin!.on('error', () => {}); // a program that never reads stdin closes it: not an error
      child.stdin!.end(request.prompt);

      const tail = (): string => {
        const lines = [...stderrTail, ...(stderrPartial ? [stderrPartial] : [])].filter((l) => l.trim());
        return lines.length > 0 ? `; last lines of stderr:\n  ${lines.join('\n  ')}` : '; stderr was empty';
      };
      const finish = (): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        signal.removeEventListener('abort', onAbort);
        if (pid !== undefined) {
          liveGroups.delete(pid);
          this.groups.delete(pid);
        }
        if (stdoutPartial.trim()) takeLine(stdoutPartial);
        if (failure) return reject(failure);
        if (exit && exit.code !== 0) {
          if (exit.code === null)
            return reject(new EngineError(`command ${this.program()} was killed by ${exit.signal}${tail()}`, 'crash'));
          return reject(new EngineError(`command ${this.program()} exited with code ${exit.code}${tail()}`, 'engine'));
        }
        const e2eMs = values.e2e_ms ?? (exitMs ?? nowMs()) - t0;
        const metrics: Record<string, number> = { ...values };
        delete metrics.e2e_ms;
        const gen: Generation = {
          chunkArrivalsMs: [],
          e2eMs,
          ...(values.output_tokens !== undefined ? { outputTokens: values.output_tokens } : {}),
          outputSha256: hash.digest(),
          metrics,
        };
        if (values.prompt_tokens !== undefined) gen.promptTokens = values.prompt_tokens;
        resolve(gen);
      };
      child.on('error', (error) => {
        fail(this.spawnError(error));
        finish();
      });
      child.on('exit', (code, sig) => {
        exitMs = nowMs();
        exit = { code, signal: sig };
        // Children of the program may still hold stdout open; give them the grace period, then end the group.
        timers.push(
          setTimeout(() => {
            if (pid !== undefined) forceEnd(pid);
          }, graceMs),
        );
      });
      child.on('close', () => {
        // Once the leader is gone, nothing of the group may outlive the repetition when we stopped it.
        if (killedByUs && pid !== undefined) killGroup(pid, 'SIGKILL');
        finish();
      });
    });
  }

  private spawnError(error: unknown): EngineError {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'program not found'
        : code === 'EACCES'
          ? 'permission denied (not executable?)'
          : getErrorMessage(error);
    return new EngineError(
      `cannot run command ${JSON.stringify(this.argv[0])} (${why}); \`command:\` in ${this.file} is run without a shell, from ${this.cwd ?? process.cwd()}`,
      'engine',
    );
  }

  async unload(_model: LoadedModel): Promise<void> {}

  async close(): Promise<void> {
    for (const g of this.groups) killGroup(g, 'SIGKILL');
  }
}

/** The command engine; `env` is the base environment of the program (the caller passes process.env or a clean one). */
export function createCommandEngine(
  config: Pick<Config, 'file' | 'command'>,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  opts: CommandEngineOptions = {},
): Engine {
  if (!config.command || config.command.length === 0) {
    throw new InputError('the command engine needs `command:`, the program and its arguments as a list', {
      file: config.file,
      path: 'command',
    });
  }
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return new CommandEngine([...config.command], config.file, base, log, opts);
}
