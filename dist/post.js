import { s as setFailed, d as getState } from './chunks/core.js';
import { g as getErrorMessage } from './chunks/storage.js';
import 'node:crypto';
import { f as State, i as stopOllamaServe, d as actionLogger, j as parseModelCachePlan, k as saveModelCache, e as defaultCacheService } from './chunks/ollama-serve.js';
import 'node:fs/promises';
import 'node:path';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import './chunks/_commonjsHelpers.js';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import './chunks/exec.js';
import 'child_process';
import 'timers';
import 'node:child_process';
import 'node:fs';

function defaultPostDeps() {
  return { cacheService: defaultCacheService, getState: (name) => getState(name) };
}
async function runPost(overrides = {}) {
  const deps = { ...defaultPostDeps(), ...overrides };
  const log = actionLogger;
  try {
    const pid = Number(deps.getState(State.OllamaPid));
    if (Number.isInteger(pid) && pid > 0) await stopOllamaServe(pid, { log: (line) => log.info(line) });
    const plan = parseModelCachePlan(deps.getState(State.ModelCache));
    if (!plan) return;
    if (deps.getState(State.BenchmarkFinished) !== "true") {
      log.info(`The benchmark did not finish: the model cache ${plan.key} is not saved.`);
      return;
    }
    let service;
    try {
      service = await deps.cacheService();
    } catch (error) {
      log.warning(`Could not load the cache client: ${getErrorMessage(error)}; the model cache is not saved.`);
      return;
    }
    await saveModelCache(service, plan, log);
  } catch (error) {
    setFailed(getErrorMessage(error));
  }
}

await runPost();
