// Builds the engine a config asks for. The only place that knows every adapter.
import type { LoadedConfig } from '../io/config.js';
import type { Engine } from './types.js';
import { createLlamaCppEngine, type LlamaCppEngineOptions } from './llama-cpp.js';
import { createOllamaEngine } from './ollama.js';
import { createOpenAIEngine } from './openai.js';
import { createCommandEngine } from './command.js';
import { createLlamaBenchEngine } from './llama-bench.js';

export interface EngineEnvironment {
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  tty?: boolean;
  /** How the embedded engine imports node-llama-cpp (the action resolves it from its tool cache). */
  importNodeLlamaCpp?: LlamaCppEngineOptions['importNodeLlamaCpp'];
}

export async function createEngine(config: LoadedConfig, environment: EngineEnvironment): Promise<Engine> {
  switch (config.engine) {
    case 'llama-cpp':
      return createLlamaCppEngine(config, {
        log: environment.log,
        tty: environment.tty,
        importNodeLlamaCpp: environment.importNodeLlamaCpp,
        huggingFaceEndpoint: environment.env.HF_ENDPOINT ?? environment.env.MODEL_ENDPOINT,
        env: environment.env,
      });
    case 'ollama':
      return createOllamaEngine(config, environment.env, environment.log, { tty: environment.tty });
    case 'openai':
      return createOpenAIEngine(config, environment.env, environment.log);
    case 'command':
      return createCommandEngine(config, environment.env, environment.log);
    case 'llama-bench':
      return createLlamaBenchEngine(config, environment.env, environment.log);
  }
}
