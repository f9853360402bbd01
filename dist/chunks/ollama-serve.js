import { I as InputError, g as getErrorMessage, p as parseResults, o as ollamaStorage, m as modelCacheKey, l as llamaCppModelDir } from './storage.js';
import { rm, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve, delimiter } from 'node:path';
import { createHash } from 'node:crypto';
import { f as debug, w as warning, i as info } from './core.js';
import { spawn } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
function labelSlug(label) {
  if (label.trim() === "") throw new InputError("the runner label is empty; set the runner-label input");
  if (SAFE.test(label) && !label.includes("..")) return label;
  const readable = label.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/\.{2,}/g, ".").replace(/^[-.]+|[-.]+$/g, "").slice(0, 60);
  const hash = createHash("sha256").update(label).digest("hex").slice(0, 8);
  return readable ? `${readable}-${hash}` : `label-${hash}`;
}

const silentLogger = { info: () => {
}, warning: () => {
} };

async function defaultCacheService() {
  const cache = await import('./cache.js');
  return {
    restoreCache: (paths, primaryKey, restoreKeys) => cache.restoreCache(paths, primaryKey, restoreKeys),
    saveCache: (paths, key) => cache.saveCache(paths, key)
  };
}
function baselineCachePrefix(label) {
  return `llm-bench-baseline-${labelSlug(label)}@`;
}
function baselineCacheKey(label, runId, runAttempt) {
  return `${baselineCachePrefix(label)}${runId}-${runAttempt}`;
}
const FILE_NAME = "baseline.json";
class CacheBaselineStore {
  constructor(options) {
    this.options = options;
    this.log = options.log ?? silentLogger;
  }
  options;
  kind = "cache";
  log;
  dirFor(label) {
    return join(this.options.dir, labelSlug(label));
  }
  /**
   * The newest cached baseline for the label, or none when the cache holds none (a genuine absence). A cache service
   * that fails, or a cached file that cannot be read, is an error: the gate never reads "no baseline" into a failure.
   */
  async load(label) {
    const dir = this.dirFor(label);
    const prefix = baselineCachePrefix(label);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const matched = await this.options.service.restoreCache([dir], prefix, [prefix]);
      if (!matched) {
        this.log.info(
          `No cached baseline for runner "${label}" (key prefix ${prefix}): it is saved on pushes to the default branch.`
        );
        return [];
      }
      if (!matched.startsWith(prefix)) {
        this.log.warning(`The cache service returned key ${matched} for prefix ${prefix}; ignored.`);
        return [];
      }
      const file = join(dir, FILE_NAME);
      const where = `cache ${matched}: ${FILE_NAME}`;
      let data;
      try {
        data = JSON.parse(await readFile(file, "utf8"));
      } catch (error) {
        throw new InputError(`the cached baseline is not readable JSON: ${getErrorMessage(error)}`, { file: where });
      }
      const results = parseResults(data, where);
      if (results.runner.label !== label) {
        this.log.warning(
          `The cached baseline ${matched} was recorded on runner "${results.runner.label}", not "${label}"; ignored.`
        );
        return [];
      }
      this.log.info(`Restored the baseline for runner "${label}" from cache key ${matched}.`);
      return [results];
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new Error(
        `could not restore the cached baseline for runner "${label}" (key prefix ${prefix}): ${getErrorMessage(error)}. The gate cannot judge without it; rerun the job, or use another baseline store (baseline: branch).`
      );
    }
  }
  /** Saves under a key unique to this run attempt. Never throws: a cache that cannot be written is a warning. */
  async save(label, results) {
    const dir = this.dirFor(label);
    const key = baselineCacheKey(label, this.options.runId, this.options.runAttempt);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, FILE_NAME), `${JSON.stringify(results)}
`, "utf8");
      const id = await this.options.service.saveCache([dir], key);
      if (id === -1) {
        this.log.warning(`The baseline cache ${key} was not saved (see the cache warning above).`);
        return;
      }
      this.log.info(`Saved the baseline for runner "${label}" as cache key ${key}.`);
    } catch (error) {
      this.log.warning(`Could not save the baseline cache ${key}: ${getErrorMessage(error)}`);
    }
  }
}

const Inputs = {
  Config: "config",
  Mode: "mode",
  Strategy: "strategy",
  RunnerLabel: "runner-label",
  Baseline: "baseline",
  BaselinePath: "baseline-path",
  BaselineBranch: "baseline-branch",
  SaveBaseline: "save-baseline",
  GitHubToken: "github-token",
  Comment: "comment",
  FailOnRegression: "fail-on-regression",
  FailOnIncomplete: "fail-on-incomplete",
  CheckName: "check-name",
  ReportId: "report-id",
  Template: "template",
  CacheModels: "cache-models",
  ResultsPath: "results-path"
};
const Outputs = {
  Status: "status",
  Regressions: "regressions",
  ResultsPath: "results-path",
  ReportPath: "report-path",
  CommentUrl: "comment-url"
};
const State = {
  /** 'true' once the benchmark finished: only then is the model cache worth saving. */
  BenchmarkFinished: "benchmark-finished",
  /** JSON of the model cache to save: { paths, key, matchedKey }. */
  ModelCache: "model-cache",
  /** The pid of an `ollama serve` this action started, to stop in post. */
  OllamaPid: "ollama-pid"
};
const INPUT_DEFAULTS = {
  config: "bench.yml",
  mode: "all",
  strategy: "auto",
  "runner-label": "",
  baseline: "cache",
  "baseline-path": "",
  "baseline-branch": "llm-bench-data",
  "save-baseline": "auto",
  "github-token": "",
  comment: "always",
  "fail-on-regression": "true",
  "fail-on-incomplete": "true",
  "check-name": "llm-bench",
  "report-id": "llm-bench",
  template: "",
  "cache-models": "true",
  "results-path": "llm-bench-results.json"
};
const MODES = ["all", "run", "report"];
const STRATEGIES = ["auto", "ab", "baseline"];
const SAVE_BASELINE = ["auto", "true", "false"];
const BASELINE_CACHE_DIR = ".llm-bench/baseline";
const BASELINE_HISTORY_RUNS = 10;

function logSafe(text) {
  const flat = text.replace(/\r\n|\r|\n|\u2028|\u2029|\u0085/g, "\u23CE").replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
  return /^\s*(::|##\[)/.test(flat) ? `\u2039\u203A${flat}` : flat;
}

const actionLogger = {
  info: (message) => info(logSafe(message)),
  warning: (message) => warning(logSafe(message)),
  debug: (message) => debug(logSafe(message))
};

function planModelCache(configs, facts) {
  const primary = configs[0];
  const engines = new Set(configs.map((c) => c.engine));
  if (engines.size > 1)
    return {
      kind: "skip",
      reason: `base and head use different engines (${[...engines].join(", ")}): model cache skipped`
    };
  const models = configs.flatMap((c) => c.models);
  if (primary.engine === "ollama") {
    const storage = ollamaStorage({
      env: facts.env,
      homeDir: facts.homeDir,
      currentUser: facts.currentUser,
      server: facts.ollamaServer
    });
    const { key, restoreKeys } = modelCacheKey({
      engine: "ollama",
      models: models.map((m) => ({ name: m.name })),
      platform: facts.platform,
      arch: facts.arch
    });
    return {
      kind: "cache",
      plan: { paths: [storage.modelsDir], key, restoreKeys },
      ...storage.warning ? { warning: storage.warning } : {},
      note: `Ollama models directory ${storage.modelsDir} (${storage.source === "OLLAMA_MODELS" ? "OLLAMA_MODELS" : "~/.ollama/models"})`
    };
  }
  if (primary.engine === "llama-cpp") {
    const downloads = configs.flatMap(
      (c) => c.models.filter((m) => m.source === "url").map((m) => ({ config: c, model: m }))
    );
    if (downloads.length === 0) return { kind: "skip", reason: "every model is a local file: nothing to cache" };
    const dirs = [
      ...new Set(
        downloads.map(
          ({ config }) => config.model_dir ? llamaCppModelDir({
            modelDir: config.model_dir,
            configDir: config.dir,
            env: facts.env,
            homeDir: facts.homeDir
          }) : resolve(facts.downloadDir)
        )
      )
    ];
    const { key, restoreKeys } = modelCacheKey({
      engine: "llama-cpp",
      models: downloads.map(({ model }) => ({
        name: model.name,
        ...model.sha256 ? { digest: `sha256:${model.sha256}` } : {}
      })),
      platform: facts.platform,
      arch: facts.arch
    });
    return {
      kind: "cache",
      plan: { paths: dirs, key, restoreKeys },
      note: `downloaded GGUF files in ${dirs.join(", ")}`
    };
  }
  return { kind: "skip", reason: `the ${primary.engine} engine keeps its models in its own server: nothing to cache` };
}
async function restoreModelCache(service, plan, log) {
  try {
    for (const path of plan.paths) await mkdir(path, { recursive: true });
    const matchedKey = await service.restoreCache(plan.paths, plan.key, plan.restoreKeys);
    if (!matchedKey)
      log.info(`No model cache yet for ${plan.key}: models are fetched and the cache is saved after the run.`);
    else if (matchedKey === plan.key) log.info(`Restored the model cache ${matchedKey}.`);
    else
      log.info(
        `Restored the model cache ${matchedKey} (a partial match for ${plan.key}); missing models are fetched and a new cache is saved.`
      );
    return { ...plan, ...matchedKey ? { matchedKey } : {} };
  } catch (error) {
    log.warning(`Could not restore the model cache ${plan.key}: ${getErrorMessage(error)}. Continuing without it.`);
    return plan;
  }
}
async function saveModelCache(service, plan, log) {
  if (plan.matchedKey === plan.key) {
    log.info(`The model cache ${plan.key} was restored exactly; not saving it again.`);
    return;
  }
  try {
    const id = await service.saveCache(plan.paths, plan.key);
    if (id === -1) log.warning(`The model cache ${plan.key} was not saved (see the cache message above).`);
    else log.info(`Saved the model cache ${plan.key}.`);
  } catch (error) {
    log.warning(`Could not save the model cache ${plan.key}: ${getErrorMessage(error)}`);
  }
}
function parseModelCachePlan(text) {
  if (!text) return void 0;
  try {
    const data = JSON.parse(text);
    if (!Array.isArray(data.paths) || typeof data.key !== "string") return void 0;
    return {
      paths: data.paths.map(String),
      key: data.key,
      restoreKeys: (data.restoreKeys ?? []).map(String),
      ...data.matchedKey ? { matchedKey: String(data.matchedKey) } : {}
    };
  } catch {
    return void 0;
  }
}

async function ollamaAnswers(host, timeoutMs = 2e3) {
  try {
    const response = await fetch(`${host.replace(/\/+$/, "")}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => void 0);
    return response.ok;
  } catch {
    return false;
  }
}
function findOnPath(name, env, platform = process.platform) {
  const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean);
  const exts = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = join(dir, name + ext);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
      }
    }
  }
  return void 0;
}
function ollamaBindAddress(host) {
  try {
    const url = new URL(host);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return void 0;
    return `${url.hostname}:${url.port || "11434"}`;
  } catch {
    return void 0;
  }
}
async function startOllamaServe(opts) {
  const bind = ollamaBindAddress(opts.host);
  if (!bind) throw new Error(`the Ollama host ${opts.host} is not on this machine; start its server there`);
  const out = openSync(opts.logFile, "a");
  let pid;
  try {
    const child = spawn(opts.binary, ["serve"], {
      env: { ...opts.env, OLLAMA_HOST: bind, OLLAMA_MODELS: opts.modelsDir },
      detached: true,
      stdio: ["ignore", out, out]
    });
    const spawned = new Promise((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
    await spawned;
    pid = child.pid;
    child.unref();
    if (pid === void 0) throw new Error("the process has no pid");
    let exited;
    child.once("exit", (code) => exited = code);
    const deadline = Date.now() + (opts.timeoutMs ?? 3e4);
    const pollMs = opts.pollMs ?? 250;
    for (; ; ) {
      if (await ollamaAnswers(opts.host, 1e3)) break;
      if (exited !== void 0) throw new Error(`ollama serve exited with code ${exited}; see ${opts.logFile}`);
      if (Date.now() > deadline)
        throw new Error(
          `ollama serve did not answer ${opts.host}/api/version within ${Math.round((opts.timeoutMs ?? 3e4) / 1e3)} s; see ${opts.logFile}`
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
    opts.log(
      `Started ollama serve (pid ${pid}) on ${bind} with OLLAMA_MODELS=${opts.modelsDir}; it is stopped after the job.`
    );
    return { pid, logFile: opts.logFile };
  } catch (error) {
    if (pid !== void 0) stopProcess(pid);
    throw new Error(`could not start ollama serve: ${getErrorMessage(error)}`);
  } finally {
    closeSync(out);
  }
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
function stopProcess(pid) {
  try {
    process.kill(pid, "SIGTERM");
    return true;
  } catch {
    return false;
  }
}
async function stopOllamaServe(pid, opts) {
  if (!stopProcess(pid)) {
    opts.log(`ollama serve (pid ${pid}) had already stopped.`);
    return;
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 1e4);
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
    }
  }
  opts.log(`Stopped ollama serve (pid ${pid}).`);
}

export { BASELINE_CACHE_DIR as B, CacheBaselineStore as C, Inputs as I, MODES as M, Outputs as O, SAVE_BASELINE as S, INPUT_DEFAULTS as a, STRATEGIES as b, BASELINE_HISTORY_RUNS as c, actionLogger as d, defaultCacheService as e, State as f, findOnPath as g, startOllamaServe as h, stopOllamaServe as i, parseModelCachePlan as j, saveModelCache as k, labelSlug as l, ollamaAnswers as o, planModelCache as p, restoreModelCache as r, silentLogger as s };
