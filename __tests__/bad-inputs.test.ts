// Every bad input a newcomer can give the CLI (issue 10): one clear error line naming the file, the path inside it and
// what was expected; exit code 2; no input overwritten; no file left behind, temporary or not. The corpus runs the CLI
// in process (main(), as dist/cli.js does) so that it stays fast; a sample of it runs through the built dist/cli.js
// too, and the closed-pipe cases can only run there. Cases that need the embedded engine are grouped at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
  lstat,
} from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { CLI, runCli } from './helpers/cli.js';
import { ensureModel } from './helpers/models.js';
import { makeResults } from './peers/github-server.js';
import { parseResults } from '../src/schema/results.js';

const COMMAND_FIXTURE = new URL('./fixtures/command/metrics.mjs', import.meta.url).pathname;
const MIXED_VERDICT = new URL('./fixtures/verdicts/mixed.json', import.meta.url).pathname;

const verdictText = readFileSync(MIXED_VERDICT, 'utf8');
let root: string;
let cacheDir: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'llm-bench-bad-inputs-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'llm-bench-bad-inputs-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

/** A file of the case directory: text, or a function of the directory (to name other files in it). */
type FileBody = string | ((dir: string) => string);

interface Case {
  name: string;
  /** Files written into the case's own directory before the run. */
  files?: Record<string, FileBody>;
  /** Anything else the case needs on disk (directories, links, copies of a model). */
  setup?: (dir: string) => Promise<void>;
  /** The arguments; `@` stands for the case directory. */
  argv: string[];
  /** The one error line, after "llm-bench: error: ". */
  error: RegExp;
  code?: number;
  /** Environment variables of the run. */
  env?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

const json = (value: unknown): string => JSON.stringify(value, null, 2);
const results = (mutate: (r: any) => void = () => {}, label = 'gpu'): string => {
  const r = makeResults(label, { decodeTps: [100, 101, 99, 100, 102, 98] }) as any;
  mutate(r);
  return json(r);
};
const verdict =
  (mutate: (v: any) => void): FileBody =>
  () => {
    const v = JSON.parse(verdictText);
    mutate(v);
    return json(v);
  };

/** A config of the command engine: valid as it stands, fast to run, no model needed. */
const commandConfig = (extra = ''): string =>
  `engine: command\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(COMMAND_FIXTURE)}]\nmodels: [m]\nprompts: [{ id: p, text: "hi", max_tokens: 4 }]\nworkload: { warmup: 0, repetitions: 2 }\n${extra}`;
const ollama = (extra: string): string => `engine: ollama\nhost: http://127.0.0.1:9\nmodels: [a]\n${extra}`;

/** `run` on a config written as c.yml; the results would go to out/r.json. */
const config = (name: string, body: string, error: RegExp, files: Record<string, FileBody> = {}): Case => ({
  name: `config: ${name}`,
  files: { 'c.yml': body, ...files },
  argv: ['run', '--config', '@/c.yml', '--out', '@/out/r.json'],
  error,
});

const compareWith = (name: string, files: Record<string, FileBody>, error: RegExp, extra: string[] = []): Case => ({
  name,
  files: { 'base.json': results(), 'head.json': results(), ...files },
  argv: ['compare', '--base', '@/base.json', '--head', '@/head.json', '--out', '@/out/v.json', ...extra],
  error,
});
const resultsCase = (name: string, body: FileBody, error: RegExp): Case => ({
  name: `results file: ${name}`,
  files: { 'base.json': body, 'head.json': results() },
  argv: ['compare', '--base', '@/base.json', '--head', '@/head.json', '--out', '@/out/v.json'],
  error,
});
const verdictCase = (name: string, body: FileBody, error: RegExp): Case => ({
  name: `verdict file: ${name}`,
  files: { 'v.json': body },
  argv: ['report', '--verdict', '@/v.json', '--out', '@/out/report.md'],
  error,
});
const templateCase = (
  name: string,
  body: FileBody | undefined,
  error: RegExp,
  command: 'report' | 'compare' = 'report',
): Case => ({
  name: `template (${command}): ${name}`,
  files: {
    'v.json': verdictText,
    'base.json': results(),
    'head.json': results(),
    ...(body === undefined ? {} : { 't.hbs': body }),
  },
  argv:
    command === 'report'
      ? ['report', '--verdict', '@/v.json', '--template', '@/t.hbs', '--out', '@/out/report.md']
      : ['compare', '--base', '@/base.json', '--head', '@/head.json', '--template', '@/t.hbs', '--out', '@/out/v.json'],
  error,
});
const usage = (name: string, argv: string[], error: RegExp): Case => ({
  name: `usage: ${name}`,
  files: { 'c.yml': commandConfig(), 'v.json': verdictText },
  argv,
  error,
});

const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
].join('\n');

// ---------------------------------------------------------------------------------------------------------------
// The corpus

const CONFIGS: Case[] = [
  {
    name: 'config: missing file',
    argv: ['run', '--config', '@/nope.yml', '--out', '@/out/r.json'],
    error: /nope\.yml: cannot read config: file not found$/,
  },
  {
    name: 'config: a directory',
    setup: (d) => mkdir(join(d, 'c.yml')),
    argv: ['run', '--config', '@/c.yml', '--out', '@/out/r.json'],
    error: /c\.yml: cannot read config: is a directory, expected a file$/,
  },
  config('empty file', '', /c\.yml: the config is empty; expected a mapping with engine, models and prompts$/),
  config('only a comment', '# nothing yet\n', /c\.yml: the config is empty/),
  config('YAML syntax error', 'engine: ollama\nmodels: [a\n', /c\.yml: YAML syntax error at line \d+, column \d+: /),
  config(
    'duplicate key',
    'engine: ollama\nengine: openai\nmodels: [a]\n',
    /c\.yml: YAML syntax error at line 2, column 1: Map keys must be unique/,
  ),
  config('tab indentation', 'engine: ollama\nmodels:\n\t- a\n', /c\.yml: YAML syntax error at line 3/),
  config(
    'a list at the top',
    '- engine: ollama\n',
    /c\.yml: expected a mapping at the top level \(engine:, models:, …\)$/,
  ),
  config('a scalar at the top', 'just text\n', /c\.yml: expected a mapping at the top level/),
  config(
    'a YAML alias bomb',
    ALIAS_BOMB,
    /c\.yml: YAML aliases expand to too much data \(first alias at line 2, column \d+\); expected at most 100 alias expansions/,
  ),
  config('unknown top-level key', `${ollama('')}modle: x\n`, /c\.yml: \(root\): unknown key 'modle'$/),
  config(
    'unknown engine',
    'engine: tgi\nmodels: [a]\n',
    /c\.yml: engine: expected one of "llama-cpp" \| "ollama" \| "openai" \| "command"( \| "[\w-]+")*, got "tgi"$/,
  ),
  config(
    'no engine',
    'models: [a]\n',
    /c\.yml: engine: expected one of "llama-cpp" \| "ollama" \| "openai" \| "command"( \| "[\w-]+")*, got nothing$/,
  ),
  config('no models', 'engine: ollama\n', /c\.yml: models: expected a list, got nothing$/),
  config('empty models', 'engine: ollama\nmodels: []\n', /c\.yml: models: expected at least one model \(got a list\)$/),
  config(
    'models as a mapping',
    'engine: ollama\nmodels: { a: b }\n',
    /c\.yml: models: expected a list, got a mapping$/,
  ),
  config(
    'a model as a list',
    'engine: ollama\nmodels: [[a]]\n',
    /c\.yml: models\[0\]: expected a string or a mapping, got a list$/,
  ),
  config(
    'a model with neither name, path nor url',
    'engine: ollama\nmodels: [{ id: a }]\n',
    /c\.yml: models\[0\]: expected exactly one of name, path or url \(got a mapping\)$/,
  ),
  config(
    'a model with name and path',
    'engine: llama-cpp\nmodels: [{ name: a, path: b.gguf }]\n',
    /c\.yml: models\[0\]: expected exactly one of name, path or url/,
  ),
  config(
    'a model name of two lines',
    'engine: ollama\nmodels: ["gemma\\n::warning::x"]\n',
    /c\.yml: models\[0\]: expected one line without control characters \(got "gemma\\n::warning::x"\)$/,
  ),
  config(
    'an unknown key in a model',
    'engine: ollama\nmodels: [{ name: a, tag: b }]\n',
    /c\.yml: models\[0\]: unknown key 'tag'$/,
  ),
  config(
    'an unquoted sha256 of digits',
    `engine: llama-cpp\nmodels: [{ id: a, path: a.gguf, sha256: ${'1234567890'.repeat(6)}1234 }]\n`,
    /c\.yml: models\[0\]\.sha256: expected string, got [\d.e+]+ \(quote the value: YAML reads unquoted digits as a number\)$/,
  ),
  config(
    'a short sha256',
    'engine: llama-cpp\nmodels: [{ id: a, path: a.gguf, sha256: "abc123" }]\n',
    /c\.yml: models\[0\]\.sha256: expected a sha256 of 64 lower-case hex digits \(got "abc123"\)$/,
  ),
  config(
    'a model id with a slash',
    'engine: ollama\nmodels: [{ id: "a/b", name: a }]\n',
    /c\.yml: models\[0\]\.id: expected an id of letters, digits/,
  ),
  config(
    'duplicate model ids',
    'engine: ollama\nmodels: [a, { id: a, name: b }]\n',
    /c\.yml: models\[1\]: duplicate model id "a" \(also models\[0\]\); give one an explicit id$/,
  ),
  config(
    'a model path for ollama',
    'engine: ollama\nmodels: [{ path: a.gguf }]\n',
    /c\.yml: models\[0\]\.path: a model path is only for the llama-cpp and llama-bench engines; engine ollama takes model names$/,
  ),
  config(
    'max_tokens that is not a number',
    ollama('prompts: [{ id: p, text: x, max_tokens: abc }]\n'),
    /c\.yml: prompts\[0\]\.max_tokens: expected number, got "abc"$/,
  ),
  config(
    'max_tokens 0',
    ollama('prompts: [{ id: p, text: x, max_tokens: 0 }]\n'),
    /c\.yml: prompts\[0\]\.max_tokens: expected a whole number ≥ 1 and ≤ 1,048,576 \(got 0\)$/,
  ),
  config(
    'max_tokens 1e9',
    ollama('prompts: [{ id: p, text: x, max_tokens: 1e9 }]\n'),
    /c\.yml: prompts\[0\]\.max_tokens: expected a whole number ≥ 1 and ≤ 1,048,576 \(got 1000000000\)$/,
  ),
  config(
    'max_tokens 2.5',
    ollama('prompts: [{ id: p, text: x, max_tokens: 2.5 }]\n'),
    /c\.yml: prompts\[0\]\.max_tokens: expected a whole number ≥ 1 and ≤ 1,048,576 \(got 2\.5\)$/,
  ),
  config(
    'a prompt with text and file',
    ollama('prompts: [{ id: p, text: x, file: y }]\n'),
    /c\.yml: prompts\[0\]: expected exactly one of text or file/,
  ),
  config(
    'a prompt with neither text nor file',
    ollama('prompts: [{ id: p }]\n'),
    /c\.yml: prompts\[0\]: expected exactly one of text or file/,
  ),
  config(
    'a prompt without id',
    ollama('prompts: [{ text: x }]\n'),
    /c\.yml: prompts\[0\]\.id: expected string, got nothing$/,
  ),
  config('an empty prompt', ollama('prompts: [""]\n'), /c\.yml: prompts\[0\]: expected a non-empty string \(got ""\)$/),
  config(
    'a missing prompt file',
    ollama('prompts: [{ id: p, file: p.txt }]\n'),
    /c\.yml: prompts\[0\]\.file: cannot read prompt file .*p\.txt: file not found$/,
  ),
  config(
    'an empty prompt file',
    ollama('prompts: [{ id: p, file: p.txt }]\n'),
    /c\.yml: prompts\[0\]\.file: prompt file .*p\.txt is empty$/,
    { 'p.txt': '  \n' },
  ),
  {
    ...config(
      'a prompt file that is a directory',
      ollama('prompts: [{ id: p, file: p.txt }]\n'),
      /c\.yml: prompts\[0\]\.file: cannot read prompt file .*p\.txt: is a directory, expected a file$/,
    ),
    setup: (d) => mkdir(join(d, 'p.txt')),
  },
  config(
    'duplicate prompt ids',
    ollama('prompts: [{ id: p, text: x }, { id: p, text: y }]\n'),
    /c\.yml: prompts\[1\]\.id: duplicate prompt id "p" \(also prompts\[0\]\)$/,
  ),
  config(
    'repetitions 0',
    ollama('workload: { repetitions: 0 }\n'),
    /c\.yml: workload\.repetitions: expected a whole number ≥ 1 and ≤ 1,000,000 \(got 0\)$/,
  ),
  config(
    'repetitions 1e9',
    ollama('workload: { repetitions: 1e9 }\n'),
    /c\.yml: workload\.repetitions: expected a whole number ≥ 1 and ≤ 1,000,000 \(got 1000000000\)$/,
  ),
  config(
    'repetitions many',
    ollama('workload: { repetitions: many }\n'),
    /c\.yml: workload\.repetitions: expected number, got "many"$/,
  ),
  config(
    'negative warm-up',
    ollama('workload: { warmup: -1 }\n'),
    /c\.yml: workload\.warmup: expected a whole number ≥ 0 and ≤ 10,000 \(got -1\)$/,
  ),
  config(
    'a time-out of 0',
    ollama('workload: { timeout_s: 0 }\n'),
    /c\.yml: workload\.timeout_s: expected a number > 0 and ≤ 86,400 \(got 0\)$/,
  ),
  config(
    'concurrency 1e6',
    ollama('workload: { concurrency: 1000000 }\n'),
    /c\.yml: workload\.concurrency: expected a whole number ≥ 1 and ≤ 10,000 \(got 1000000\)$/,
  ),
  config(
    'a cool-down of a day',
    ollama('workload: { cooldown_ms: 86400000 }\n'),
    /c\.yml: workload\.cooldown_ms: expected a whole number ≥ 0 and ≤ 3,600,000/,
  ),
  config(
    'a seed that is not whole',
    ollama('workload: { seed: 1.5 }\n'),
    /c\.yml: workload\.seed: expected a whole number ≥ 0 and ≤ 4,294,967,295 \(got 1\.5\)$/,
  ),
  config(
    'interleave as a string',
    ollama('workload: { interleave: "yes" }\n'),
    /c\.yml: workload\.interleave: expected boolean, got "yes"$/,
  ),
  config(
    'an unknown workload key',
    ollama('workload: { repetition: 3 }\n'),
    /c\.yml: workload: unknown key 'repetition'$/,
  ),
  config(
    'a gate on a misspelt metric',
    ollama('gates: { decode_tsp: { regression: 5% } }\n'),
    /c\.yml: gates\.decode_tsp: unknown metric 'decode_tsp': the ollama engine does not produce it; did you mean decode_tps\? known metrics: ttft_ms, .*decode_tps/,
  ),
  config(
    'a gate on an invented metric',
    ollama('gates: { speed: { min: 1 } }\n'),
    /c\.yml: gates\.speed: unknown metric 'speed': the ollama engine does not produce it; known metrics: ttft_ms, /,
  ),
  config(
    'a gate on a metric with capitals',
    ollama('gates: { Decode_TPS: { min: 1 } }\n'),
    /c\.yml: gates\.Decode_TPS: expected a metric name \(got the key "Decode_TPS"\)$/,
  ),
  config(
    'a percentage without %',
    ollama('gates: { decode_tps: { regression: 0.05 } }\n'),
    /c\.yml: gates\.decode_tps\.regression: expected a percentage written with %: write 5% for five percent \(got 0\.05\)$/,
  ),
  config(
    'a whole percentage without %',
    ollama('gates: { decode_tps: { regression: 5 } }\n'),
    /c\.yml: gates\.decode_tps\.regression: expected a percentage written with %: write 5% for five percent \(got 5\)$/,
  ),
  config(
    'a percentage in words',
    ollama('gates: { decode_tps: { regression: five } }\n'),
    /c\.yml: gates\.decode_tps\.regression: expected a percentage like "5%" \(got "five"\)$/,
  ),
  config(
    'a negative percentage',
    ollama('gates: { decode_tps: { regression: -5% } }\n'),
    /c\.yml: gates\.decode_tps\.regression: expected a percentage ≥ 0% \(got "-5%"\)$/,
  ),
  config(
    'a percentage of 5000%',
    ollama('gates: { decode_tps: { regression: 5000% } }\n'),
    /c\.yml: gates\.decode_tps\.regression: expected a percentage ≤ 1000% \(got "5000%"\)$/,
  ),
  config(
    'min above max',
    ollama('gates: { decode_tps: { min: 5, max: 2 } }\n'),
    /c\.yml: gates\.decode_tps: min 5 is greater than max 2; expected min ≤ max/,
  ),
  config(
    'a misspelt gate key',
    ollama('gates: { decode_tps: { regresion: 5% } }\n'),
    /c\.yml: gates\.decode_tps: unknown key 'regresion'$/,
  ),
  config(
    'min as a string',
    ollama('gates: { decode_tps: { min: "2 tok/s" } }\n'),
    /c\.yml: gates\.decode_tps\.min: expected number, got "2 tok\/s"$/,
  ),
  config(
    'a regression gate on a count',
    ollama('gates: { output_tokens: { regression: 5% } }\n'),
    /c\.yml: gates\.output_tokens\.regression: output_tokens is a count with no better direction, so a regression gate would never fire; expected min or max$/,
  ),
  config(
    'an unknown headline metric',
    ollama('compare: { headline: speed }\n'),
    /c\.yml: compare\.headline: unknown metric 'speed'/,
  ),
  config(
    'alpha above 1',
    ollama('compare: { alpha: 1.5 }\n'),
    /c\.yml: compare\.alpha: expected a number < 1 \(got 1\.5\)$/,
  ),
  config(
    'min_effect without %',
    ollama('compare: { min_effect: 0.03 }\n'),
    /c\.yml: compare\.min_effect: expected a percentage written with %: write 5% for five percent \(got 0\.03\)$/,
  ),
  config('an unknown compare key', ollama('compare: { alpah: 0.05 }\n'), /c\.yml: compare: unknown key 'alpah'$/),
  config(
    'an ftp host',
    'engine: openai\nhost: ftp://127.0.0.1:9\nmodels: [a]\n',
    /c\.yml: host: expected an http:\/\/ or https:\/\/ URL like http:\/\/127\.0\.0\.1:11434 \(got "ftp:\/\/127\.0\.0\.1:9"\)$/,
  ),
  config(
    'a host without a scheme',
    'engine: ollama\nhost: 127.0.0.1:11434\nmodels: [a]\n',
    /c\.yml: host: expected an http:\/\/ or https:\/\/ URL/,
  ),
  config(
    'a host that is no URL',
    'engine: openai\nhost: "http://"\nmodels: [a]\n',
    /c\.yml: host: expected an http:\/\/ or https:\/\/ URL/,
  ),
  config(
    'a host for llama-cpp',
    'engine: llama-cpp\nhost: http://127.0.0.1:1\nmodels: [a.gguf]\n',
    /c\.yml: host: 'host' is only for the ollama and openai engines, not llama-cpp$/,
  ),
  config('openai without host', 'engine: openai\nmodels: [a]\n', /c\.yml: host: the openai engine needs `host:`/),
  config(
    'command engine without command',
    'engine: command\nmodels: [a]\n',
    /c\.yml: command: the command engine needs `command:`/,
  ),
  config(
    'an empty command',
    'engine: command\ncommand: []\nmodels: [a]\n',
    /c\.yml: command: expected the program and its arguments as a list/,
  ),
  config(
    'a command as a string',
    'engine: command\ncommand: "node x.js"\nmodels: [a]\n',
    /c\.yml: command: expected a list, got "node x\.js"$/,
  ),
  config(
    'command for ollama',
    `${ollama('')}command: [x]\n`,
    /c\.yml: command: 'command' is only for the command engine, not ollama$/,
  ),
  config(
    'an unknown llama-cpp option',
    'engine: llama-cpp\nmodels: [a.gguf]\noptions: { thread: 1 }\n',
    /c\.yml: options\.thread: unknown option 'thread' for engine llama-cpp \(known: threads, /,
  ),
  config(
    'a bad option value',
    'engine: llama-cpp\nmodels: [a.gguf]\noptions: { threads: 0 }\n',
    /c\.yml: options\.threads: expected a number > 0 \(got 0\) for option 'threads' of engine llama-cpp$/,
  ),
  config('a matrix as a list', ollama('matrix: [1]\n'), /c\.yml: matrix: expected a mapping, got a list$/),
  config(
    'a gate as a bare percentage',
    ollama('gates: { decode_tps: 5% }\n'),
    /c\.yml: gates\.decode_tps: expected a mapping, got "5%"$/,
  ),
  config(
    'a prompt text of digits',
    ollama('prompts: [{ id: p, text: 5 }]\n'),
    /c\.yml: prompts\[0\]\.text: expected string, got 5 \(quote the value: YAML reads unquoted digits as a number\)$/,
  ),
  config(
    'an empty matrix list',
    ollama('matrix: { num_ctx: [] }\n'),
    /c\.yml: matrix\.num_ctx: expected at least one value to sweep/,
  ),
  config(
    'a bad matrix value',
    ollama('matrix: { num_ctx: [1024, big] }\n'),
    /c\.yml: matrix\.num_ctx\[1\]: expected number, got "big" for option 'num_ctx' of engine ollama$/,
  ),
  config(
    'an option fixed and swept',
    ollama('options: { num_ctx: 1 }\nmatrix: { num_ctx: [2] }\n'),
    /c\.yml: matrix\.num_ctx: option 'num_ctx' is both fixed in options and swept in matrix; keep one$/,
  ),
  config(
    'pull sometimes',
    ollama('pull: sometimes\n'),
    /c\.yml: pull: expected one of "missing" \| "always" \| "never", got "sometimes"$/,
  ),
  config(
    'an api key variable with a dash',
    'engine: openai\nhost: http://127.0.0.1:9\napi_key_env: MY-KEY\nmodels: [a]\n',
    /c\.yml: api_key_env: expected an environment variable name/,
  ),
  config(
    'calibration yes as a string',
    ollama('calibration: "yes"\n'),
    /c\.yml: calibration: expected true or false or a mapping, got "yes"$/,
  ),
  config(
    'an unknown calibration preset',
    ollama('calibration: { preset: huge }\n'),
    /c\.yml: calibration\.preset: expected one of "tiny" \| "small" \| "medium", got "huge"$/,
  ),
];

const RESULTS: Case[] = [
  resultsCase('missing', '', /./), // replaced below: a missing file needs no body
  resultsCase('empty', '', /base\.json: results file is empty; expected a JSON document$/),
  resultsCase(
    'invalid JSON',
    '{"schema": "llm-bench/results@1",\n  "cases": [,]}',
    /base\.json: results file is not valid JSON: .* at line 2, column \d+$/,
  ),
  resultsCase(
    'cut short',
    '{"schema": ',
    /base\.json: results file is not valid JSON: Unexpected end of JSON input at line 1, column 12$/,
  ),
  resultsCase('a JSON list', '[1, 2]', /base\.json: expected a llm-bench\/results@1 document \(a JSON object\)$/),
  resultsCase('JSON null', 'null', /base\.json: expected a llm-bench\/results@1 document \(a JSON object\)$/),
  resultsCase(
    'not llm-bench results',
    '{"hello": "world"}',
    /base\.json: schema: expected schema "llm-bench\/results@1", got no schema field$/,
  ),
  resultsCase(
    'another version',
    results((r) => (r.schema = 'llm-bench/results@2')),
    /base\.json: schema: expected schema "llm-bench\/results@1", got "llm-bench\/results@2" \(a results file of another version of llm-bench\)$/,
  ),
  resultsCase(
    'a verdict given as results',
    verdictText,
    /base\.json: schema: expected schema "llm-bench\/results@1", got "llm-bench\/verdict@1"$/,
  ),
  resultsCase(
    'a null sample',
    results((r) => (r.cases[0].samples.decode_tps[2] = null)),
    /base\.json: cases\[0\]\.samples\.decode_tps\[2\]: expected number, got null$/,
  ),
  resultsCase(
    'a negative sample',
    results((r) => (r.cases[0].samples.decode_tps[2] = -3)),
    /base\.json: cases\[0\]\.samples\.decode_tps\[2\]: expected a non-negative number \(got -3\)$/,
  ),
  resultsCase(
    'a sample of 1e999',
    results((r) => (r.cases[0].samples.decode_tps[0] = 'INFINITY')).replace('"INFINITY"', '1e999'),
    /base\.json: cases\[0\]\.samples\.decode_tps\[0\]: .*\(got Infinity\)$|base\.json: cases\[0\]\.samples\.decode_tps\[0\]: expected number, got Infinity$/,
  ),
  resultsCase(
    'empty samples',
    results((r) => (r.cases[0].samples.decode_tps = [])),
    /base\.json: cases\[0\]\.samples\.decode_tps: expected at least one sample \(got a list\)$/,
  ),
  resultsCase(
    'a metric name with capitals',
    results((r) => (r.cases[0].samples.Decode = [1])),
    /base\.json: cases\[0\]\.samples\.Decode: /,
  ),
  resultsCase(
    'duplicate case ids',
    results((r) => r.cases.push(r.cases[0])),
    /base\.json: cases\[1\]\.id: duplicate case id "tiny\/default\/hello"$/,
  ),
  resultsCase(
    'an unknown status',
    results((r) => (r.status = 'done')),
    /base\.json: status: expected one of "running" \| "complete" \| "partial" \| "failed", got "done"$/,
  ),
  resultsCase(
    'no runner',
    results((r) => delete r.runner),
    /base\.json: runner: expected object, got nothing$/,
  ),
  resultsCase(
    'cases as a mapping',
    results((r) => (r.cases = {})),
    /base\.json: cases: expected array, got a mapping$/,
  ),
  resultsCase(
    'a wrong error kind',
    results((r) => r.cases[0].errors.push({ repetition: 0, kind: 'oops', message: 'x' })),
    /base\.json: cases\[0\]\.errors\[0\]\.kind: expected one of /,
  ),
  compareWith('results file: another runner label', { 'head.json': results(() => {}, 'pi-4') }, /gpu.*pi-4|pi-4.*gpu/),
  {
    name: 'results file: a gate on a custom metric none of the results declares',
    files: {
      'base.json': results(),
      'head.json': results(),
      'c.yml': commandConfig('gates: { tokens_per_jule: { regression: 5% } }\n'),
    },
    argv: ['compare', '--base', '@/base.json', '--head', '@/head.json', '--config', '@/c.yml', '--out', '@/out/v.json'],
    error:
      /c\.yml: gates\.tokens_per_jule: unknown metric 'tokens_per_jule': no results file declares it; known metrics: ttft_ms/,
  },
];
RESULTS[0] = {
  name: 'results file: missing',
  files: { 'head.json': results() },
  argv: ['compare', '--base', '@/absent.json', '--head', '@/head.json', '--out', '@/out/v.json'],
  error: /absent\.json: cannot read results file: file not found$/,
};
RESULTS.push({
  name: 'results file: a directory',
  files: { 'head.json': results() },
  setup: (d) => mkdir(join(d, 'base.json')),
  argv: ['compare', '--base', '@/base.json', '--head', '@/head.json', '--out', '@/out/v.json'],
  error: /base\.json: cannot read results file: is a directory, expected a file$/,
});

const VERDICTS: Case[] = [
  {
    name: 'verdict file: missing',
    argv: ['report', '--verdict', '@/none.json', '--out', '@/out/r.md'],
    error: /none\.json: cannot read verdict file: file not found$/,
  },
  {
    name: 'verdict file: a directory',
    setup: (d) => mkdir(join(d, 'v.json')),
    argv: ['report', '--verdict', '@/v.json', '--out', '@/out/r.md'],
    error: /v\.json: cannot read verdict file: is a directory, expected a file$/,
  },
  verdictCase('empty', '', /v\.json: verdict file is empty; expected a JSON document$/),
  verdictCase(
    'invalid JSON',
    '{\n  "schema": "llm-bench/verdict@1"\n  "status": "pass"\n}',
    /v\.json: verdict file is not valid JSON: .* at line 3, column \d+$/,
  ),
  verdictCase(
    'a results file',
    results(),
    /v\.json: schema: expected schema "llm-bench\/verdict@1", got "llm-bench\/results@1"$/,
  ),
  verdictCase(
    'no schema',
    '{"status": "pass"}',
    /v\.json: schema: expected schema "llm-bench\/verdict@1", got no schema field$/,
  ),
  verdictCase('a JSON list', '[]', /v\.json: schema: expected schema "llm-bench\/verdict@1", got no schema field$/),
  verdictCase(
    'another version',
    verdict((v) => (v.schema = 'llm-bench/verdict@2')),
    /v\.json: schema: expected schema "llm-bench\/verdict@1", got "llm-bench\/verdict@2"$/,
  ),
  verdictCase(
    'an unknown status',
    verdict((v) => (v.status = 'fine')),
    /v\.json: status: expected one of "pass" \| "regression" \|( "[\w-]+" \|)* "no-baseline", got "fine"$/,
  ),
  verdictCase(
    'no summary',
    verdict((v) => delete v.summary),
    /v\.json: summary: expected object, got nothing$/,
  ),
  verdictCase(
    'an unknown metric verdict',
    verdict((v) => ((Object.values(v.cases[0].metrics)[0] as any).verdict = 'worse')),
    /v\.json: cases\[0\]\.metrics\.\w+\.verdict: expected one of "regression" \| /,
  ),
  verdictCase(
    'a ratio as text',
    verdict((v) => ((Object.values(v.cases[0].metrics)[0] as any).ratio = '0.8')),
    /v\.json: cases\[0\]\.metrics\.\w+\.ratio: expected number, got "0\.8"$/,
  ),
  verdictCase(
    'created_at as a number',
    verdict((v) => (v.created_at = 20261203)),
    /v\.json: created_at: expected string, got 20261203$/,
  ),
];

const TEMPLATES: Case[] = [
  templateCase('missing', undefined, /t\.hbs: cannot read the template: file not found$/),
  {
    ...templateCase('a directory', undefined, /t\.hbs: cannot read the template: is a directory, expected a file$/),
    setup: (d) => mkdir(join(d, 't.hbs')),
  },
  templateCase('a syntax error', '# Report\n\n{{#each labels}}\n{{label}\n{{/each}}\n', /t\.hbs.*line 4/),
  templateCase('an unknown helper', '{{shout headline}}\n', /t\.hbs.*shout/),
  templateCase('an unclosed block', '{{#if status}}\nopen\n', /t\.hbs/),
  templateCase('a missing partial', '{{> footer}}\n', /t\.hbs.*footer/),
  templateCase('missing, with compare', undefined, /t\.hbs: cannot read the template: file not found$/, 'compare'),
  templateCase('a syntax error, with compare', '{{#each labels}}\n{{label}\n', /t\.hbs.*line 2/, 'compare'),
];

const USAGE: Case[] = [
  usage('an unknown command', ['frobnicate'], /unknown command 'frobnicate' \(add --help for usage\)$/),
  usage(
    'an unknown option',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--lable', 'x'],
    /unknown option '--lable'.*\(add --help for usage\)$/,
  ),
  usage(
    'a missing required option',
    ['run', '--out', '@/out/r.json'],
    /required option '--config <file>' not specified \(add --help for usage\)$/,
  ),
  usage(
    'a missing option value',
    ['run', '--config', '@/c.yml', '--out'],
    /option '--out <file>' argument missing \(add --help for usage\)$/,
  ),
  usage(
    'an extra argument',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', 'now'],
    /too many arguments for 'run'/,
  ),
  usage(
    '--repetitions 0',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--repetitions', '0'],
    /--repetitions must be a whole number ≥ 1, got '0'/,
  ),
  usage(
    '--repetitions -2',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--repetitions', '-2'],
    /--repetitions must be a whole number ≥ 1, got '-2'/,
  ),
  usage(
    '--repetitions 1e9',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--repetitions', '1e9'],
    /--repetitions must be a whole number ≥ 1, got '1e9'/,
  ),
  usage(
    '--repetitions 2000000',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--repetitions', '2000000'],
    /--repetitions must be a whole number ≤ 1,000,000, got '2000000'/,
  ),
  usage(
    '--repetitions ten',
    ['ab', '--base-config', '@/c.yml', '--head-config', '@/c.yml', '--out', '@/out/v.json', '--repetitions', 'ten'],
    /--repetitions must be a whole number ≥ 1, got 'ten'/,
  ),
  usage(
    'an unknown --kind',
    ['report', '--verdict', '@/v.json', '--kind', 'tweet'],
    /option '--kind <kind>' argument 'tweet' is invalid\. Allowed choices are comment, summary, check\./,
  ),
  usage(
    'an unknown --format',
    ['compare', '--base', '@/v.json', '--head', '@/v.json', '--format', 'xml'],
    /option '--format <format>' argument 'xml' is invalid\. Allowed choices are md, json\./,
  ),
  usage(
    'a --report-id that would close the marker',
    ['report', '--verdict', '@/v.json', '--report-id', 'x -->'],
    /--report-id must be 1–64 letters, digits, '\.', '_' or '-', got "x -->"/,
  ),
  usage(
    'a --report-id with a newline',
    ['report', '--verdict', '@/v.json', '--report-id', 'a\n::error::b'],
    /--report-id must be 1–64 letters, digits, '\.', '_' or '-', got "a\\n::error::b"/,
  ),
  usage(
    'an unknown --preset',
    ['make-model', '--out', '@/out/m.gguf', '--preset', 'huge'],
    /option '--preset <preset>' argument 'huge' is invalid/,
  ),
  usage(
    '--seed 0',
    ['make-model', '--out', '@/out/m.gguf', '--seed', '0'],
    /--seed must be a whole number ≥ 1, got '0'/,
  ),
  usage(
    'a --label of two lines',
    ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--label', 'pi\n::error::x'],
    /--label must be 1–100 characters on one line, without control characters, got "pi\\n::error::x"/,
  ),
  usage(
    'an empty --label',
    ['ab', '--base-config', '@/c.yml', '--head-config', '@/c.yml', '--out', '@/out/v.json', '--label', ' '],
    /--label must be 1–100 characters on one line/,
  ),
  {
    ...usage(
      'LLM_BENCH_LABEL of two lines',
      ['run', '--config', '@/c.yml', '--out', '@/out/r.json'],
      /^LLM_BENCH_LABEL: expected 1–100 characters on one line, without control characters, got "pi\\n::error::x"$/,
    ),
    env: { LLM_BENCH_LABEL: 'pi\n::error::x' },
  },
  usage('compare without --head', ['compare', '--base', '@/v.json'], /required option '--head <file>' not specified/),
];

const OUTPUTS: Case[] = [
  compareWith(
    'output: --out is the baseline',
    {},
    /--out .*base\.json: is the same file as --base .*base\.json; refusing to overwrite an input/,
    [],
  ),
  compareWith(
    'output: --out is the head',
    {},
    /--out .*head\.json: is the same file as --head .*head\.json; refusing to overwrite an input/,
  ),
  compareWith(
    'output: --out is the config',
    { 'c.yml': ollama('') },
    /--out .*c\.yml: is the same file as --config .*c\.yml; refusing to overwrite an input/,
    ['--config', '@/c.yml'],
  ),
  compareWith(
    'output: --out is the template',
    { 't.hbs': '{{title}}\n' },
    /--out .*t\.hbs: is the same file as --template .*t\.hbs/,
    ['--template', '@/t.hbs'],
  ),
  compareWith(
    'output: --out is the second of three baselines',
    { 'b2.json': results(), 'b3.json': results() },
    /--out .*b2\.json: is the same file as --base .*b2\.json/,
    ['--base', '@/b2.json', '--base', '@/b3.json'],
  ),
  compareWith(
    'output: --out is the baseline spelt another way',
    {},
    /--out .*sub\/\.\.\/base\.json: is the same file as --base .*base\.json/,
  ),
  {
    ...compareWith(
      'output: --out is a link to the baseline',
      {},
      /--out .*link\.json: is the same file as --base .*base\.json/,
    ),
    setup: (d) => symlink(join(d, 'base.json'), join(d, 'link.json')),
  },
  {
    ...compareWith(
      'output: --out is a directory',
      {},
      /--out .*outdir\.json: is a directory; expected the path of a file to write$/,
    ),
    setup: (d) => mkdir(join(d, 'outdir.json')),
  },
  compareWith(
    'output: --out lies under a file',
    {},
    /--out .*base\.json\/v\.json: .*base\.json is a file, not a directory; expected a path inside a directory$/,
  ),
  compareWith(
    'output: --out cannot be written',
    {},
    /--out \/sys\/llm-bench-v\.json: cannot write in \/sys: permission denied$/,
  ),
  compareWith('output: --out is a device', {}, /--out \/dev\/null: is not a regular file \(a device, pipe or socket\)/),
  {
    name: 'output: run --out is the config',
    files: { 'c.yml': commandConfig() },
    argv: ['run', '--config', '@/c.yml', '--out', '@/c.yml'],
    error: /--out .*c\.yml: is the same file as --config .*c\.yml; refusing to overwrite an input/,
  },
  {
    name: "output: run's journal is the config",
    files: { 'r.json.jsonl': commandConfig() },
    argv: ['run', '--config', '@/r.json.jsonl', '--out', '@/r.json'],
    error: /r\.json\.jsonl \(the journal of --out .*r\.json\): is the same file as --config .*r\.json\.jsonl/,
  },
  {
    name: 'output: run --out is a prompt file',
    files: { 'c.yml': commandConfig().replace('text: "hi"', 'file: p.txt'), 'p.txt': 'hello' },
    argv: ['run', '--config', '@/c.yml', '--out', '@/p.txt'],
    error: /--out .*p\.txt: is the same file as the prompt file p\.txt \(prompts\[0\]\.file in .*c\.yml\)/,
  },
  {
    name: 'output: run --out is a model file',
    files: { 'c.yml': 'engine: llama-cpp\nmodels: [{ id: m, path: m.gguf }]\n', 'm.gguf': 'GGUF not really' },
    argv: ['run', '--config', '@/c.yml', '--out', '@/m.gguf'],
    error: /--out .*m\.gguf: is the same file as the model file m\.gguf \(models\[0\] in .*c\.yml\)/,
  },
  {
    name: 'output: run --out is a directory',
    files: { 'c.yml': commandConfig() },
    setup: (d) => mkdir(join(d, 'outdir.json')),
    argv: ['run', '--config', '@/c.yml', '--out', '@/outdir.json'],
    error: /--out .*outdir\.json: is a directory; expected the path of a file to write$/,
  },
  {
    name: "output: run's journal is a directory",
    files: { 'c.yml': commandConfig() },
    setup: (d) => mkdir(join(d, 'r.json.jsonl')),
    argv: ['run', '--config', '@/c.yml', '--out', '@/r.json'],
    error: /r\.json\.jsonl \(the journal of --out .*r\.json\): is a directory/,
  },
  {
    name: 'output: run --out cannot be written',
    files: { 'c.yml': commandConfig() },
    argv: ['run', '--config', '@/c.yml', '--out', '/sys/llm-bench-r.json'],
    error: /--out \/sys\/llm-bench-r\.json: cannot write in \/sys: permission denied$/,
  },
  {
    name: 'output: report --out is the verdict',
    files: { 'v.json': verdictText },
    argv: ['report', '--verdict', '@/v.json', '--out', '@/v.json'],
    error: /--out .*v\.json: is the same file as --verdict .*v\.json; refusing to overwrite an input/,
  },
  {
    name: 'output: report --out is the template',
    files: { 'v.json': verdictText, 't.hbs': '{{title}}' },
    argv: ['report', '--verdict', '@/v.json', '--template', '@/t.hbs', '--out', '@/t.hbs'],
    error: /--out .*t\.hbs: is the same file as --template .*t\.hbs/,
  },
  {
    name: 'output: report --out is a directory',
    files: { 'v.json': verdictText },
    setup: (d) => mkdir(join(d, 'md')),
    argv: ['report', '--verdict', '@/v.json', '--out', '@/md'],
    error: /--out .*md: is a directory; expected the path of a file to write$/,
  },
  {
    name: 'output: ab --out is the head config',
    files: { 'b.yml': commandConfig(), 'h.yml': commandConfig() },
    argv: ['ab', '--base-config', '@/b.yml', '--head-config', '@/h.yml', '--out', '@/h.yml'],
    error: /--out .*h\.yml: is the same file as --head-config .*h\.yml/,
  },
  {
    name: 'output: ab --results is the base config',
    files: { 'b.yml': commandConfig(), 'h.yml': commandConfig() },
    argv: [
      'ab',
      '--base-config',
      '@/b.yml',
      '--head-config',
      '@/h.yml',
      '--out',
      '@/out/v.json',
      '--results',
      '@/b.yml',
    ],
    error: /--results .*b\.yml: is the same file as --base-config .*b\.yml/,
  },
  {
    name: 'output: ab --results is --out',
    files: { 'b.yml': commandConfig(), 'h.yml': commandConfig() },
    argv: [
      'ab',
      '--base-config',
      '@/b.yml',
      '--head-config',
      '@/h.yml',
      '--out',
      '@/out/v.json',
      '--results',
      '@/out/v.json',
    ],
    error: /--results .*v\.json: is the same file as --out .*v\.json; expected different output paths/,
  },
  {
    name: 'output: make-model --out is a directory',
    setup: (d) => mkdir(join(d, 'm.gguf')),
    argv: ['make-model', '--out', '@/m.gguf'],
    error: /--out .*m\.gguf: is a directory; expected the path of a file to write$/,
  },
  {
    name: 'output: demo --out-dir is a file',
    files: { demo: 'a file' },
    argv: ['demo', '--out-dir', '@/demo'],
    error: /--out-dir .*demo: is a file; expected a directory$/,
  },
  {
    name: 'output: run --cache-dir is a file',
    files: { 'c.yml': commandConfig(), cache: 'a file' },
    argv: ['run', '--config', '@/c.yml', '--out', '@/out/r.json', '--cache-dir', '@/cache'],
    error: /--cache-dir .*cache: is a file; expected a directory$/,
  },
  {
    name: 'output: ab --cache-dir cannot be made',
    files: { 'c.yml': commandConfig() },
    argv: [
      'ab',
      '--base-config',
      '@/c.yml',
      '--head-config',
      '@/c.yml',
      '--out',
      '@/out/v.json',
      '--cache-dir',
      '/sys/llm-bench-cache',
    ],
    error: /--cache-dir \/sys\/llm-bench-cache: cannot write in \/sys: permission denied$/,
  },
];
// The argv of a few output cases differ from the compare defaults.
const patchOut = (name: string, out: string): void => {
  const c = OUTPUTS.find((o) => o.name === name)!;
  c.argv = c.argv.map((a, i) => (c.argv[i - 1] === '--out' ? out : a));
};
patchOut('output: --out is the baseline', '@/base.json');
patchOut('output: --out is the head', '@/head.json');
patchOut('output: --out is the config', '@/c.yml');
patchOut('output: --out is the template', '@/t.hbs');
patchOut('output: --out is the second of three baselines', '@/b2.json');
patchOut('output: --out is the baseline spelt another way', '@/sub/../base.json');
patchOut('output: --out is a link to the baseline', '@/link.json');
patchOut('output: --out is a directory', '@/outdir.json');
patchOut('output: --out lies under a file', '@/base.json/v.json');
patchOut('output: --out cannot be written', '/sys/llm-bench-v.json');
patchOut('output: --out is a device', '/dev/null');

const CORPUS: Case[] = [...CONFIGS, ...RESULTS, ...VERDICTS, ...TEMPLATES, ...USAGE, ...OUTPUTS];

// ---------------------------------------------------------------------------------------------------------------
// Running a case and checking what it left behind

/** Every entry under `dir` (links not followed) with the sha256 of each file: what "nothing changed" means. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) {
        out[`${rel}/`] = 'dir';
        await walk(rel);
      } else if (entry.isFile()) {
        out[rel] = createHash('sha256')
          .update(await readFile(join(dir, rel)))
          .digest('hex');
      } else {
        out[rel] = `link or other (${(await lstat(join(dir, rel))).mode})`;
      }
    }
  };
  await walk('');
  return out;
}

let caseNo = 0;
async function prepare(c: Case): Promise<{ dir: string; argv: string[] }> {
  const dir = join(root, `case-${++caseNo}`);
  await mkdir(dir);
  for (const [name, body] of Object.entries(c.files ?? {}))
    await writeFile(join(dir, name), typeof body === 'function' ? body(dir) : body);
  await c.setup?.(dir);
  return { dir, argv: c.argv.map((a) => a.replaceAll('@', dir)) };
}

async function runInProcess(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const code = await main(argv, {
    env: { ...process.env, LLM_BENCH_DEBUG: '', LLM_BENCH_CACHE_DIR: cacheDir, LLM_BENCH_LABEL: 'bad-inputs', ...env },
    log: (line) => err.push(`${line}\n`),
    print: (text) => out.push(text),
    tty: false,
  });
  return { code, stderr: err.join(''), stdout: out.join('') };
}

function expectOneErrorLine(stderr: string, error: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^llm-bench: error: /);
  expect(lines[0]!.replace(/^llm-bench: error: /, ''), lines[0]).toMatch(error);
  expect(stderr).not.toMatch(/\n\s+at |\.tmp\b/); // no stack trace, no temporary file
}

async function checkCase(
  c: Case,
  run: (argv: string[], env?: Record<string, string>) => Promise<{ code: number | null; stderr: string }>,
): Promise<void> {
  const { dir, argv } = await prepare(c);
  const before = await snapshot(dir);
  const r = await run(argv, c.env);
  expect(r.code, r.stderr).toBe(c.code ?? 2);
  expectOneErrorLine(r.stderr, c.error);
  // Nothing overwritten, nothing created: not the output, not a journal, not a temporary file.
  expect(await snapshot(dir)).toEqual(before);
  expect(existsSync('/sys/llm-bench-v.json') || existsSync('/sys/llm-bench-r.json')).toBe(false);
}

describe('the corpus of bad inputs', () => {
  it('has at least 100 cases with distinct names, across every group', () => {
    expect(CORPUS.length + MODEL_CASES.length + PIPE_CASES).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
    for (const group of [CONFIGS, RESULTS, VERDICTS, TEMPLATES, USAGE, OUTPUTS, MODEL_CASES])
      expect(group.length).toBeGreaterThanOrEqual(6);
  });

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkCase(c, runInProcess);
  });
});

// A sample through the built CLI: the same line, the same exit code, nothing written.
describe('the built dist/cli.js says the same', () => {
  const sample = CORPUS.filter((_, i) => i % 20 === 0);
  it.each(sample.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkCase(c, (argv, env) => runCli(argv, { env: { LLM_BENCH_CACHE_DIR: cacheDir, ...env } }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Model files: these load the embedded engine (node-llama-cpp), so they run together, after the rest.

let tiny: string;
const llamaConfig = (model: string, extra = ''): string =>
  `engine: llama-cpp\nmodels: [{ id: m, path: ${JSON.stringify(model)}${extra} }]\noptions: { threads: 1, context_size: 128 }\nprompts: [{ id: p, text: "hi", max_tokens: 2 }]\nworkload: { warmup: 0, repetitions: 1 }\n`;
const modelCase = (
  name: string,
  model: string,
  error: RegExp,
  setup?: (dir: string) => Promise<void>,
  extra = '',
): Case => ({
  name: `model file: ${name}`,
  files: { 'c.yml': llamaConfig(model, extra) },
  setup,
  argv: ['run', '--config', '@/c.yml', '--out', '@/out/r.json'],
  error,
});
const MODEL_CASES: Case[] = [
  modelCase('missing', 'none.gguf', /c\.yml: models\[id=m\]: model file .*none\.gguf does not exist$/),
  modelCase('a directory', 'dir.gguf', /c\.yml: models\[id=m\]: model path .*dir\.gguf is not a file$/, (d) =>
    mkdir(join(d, 'dir.gguf')),
  ),
  modelCase('not GGUF', 'readme.gguf', /readme\.gguf.*not a GGUF/i, (d) =>
    writeFile(join(d, 'readme.gguf'), '# not a model\n'),
  ),
  modelCase('empty', 'empty.gguf', /empty\.gguf.*(not a GGUF|truncated|empty)/i, (d) =>
    writeFile(join(d, 'empty.gguf'), ''),
  ),
  modelCase('truncated', 'half.gguf', /half\.gguf.*truncated/i, async (d) => {
    await copyFile(tiny, join(d, 'half.gguf'));
    await truncate(join(d, 'half.gguf'), Math.floor((await stat(tiny)).size / 3));
  }),
  modelCase(
    'a wrong sha256',
    'm.gguf',
    /c\.yml: models\[id=m\]: model file .*m\.gguf has sha256 [0-9a-f]{64}, expected 0{64}$/,
    (d) => copyFile(tiny, join(d, 'm.gguf')),
    `, sha256: "${'0'.repeat(64)}"`,
  ),
];

describe('model files (the embedded engine)', () => {
  beforeAll(async () => {
    tiny = await ensureModel('tiny');
  });
  it.each(MODEL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkCase(c, runInProcess);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Closed pipes: `llm-bench run … 2>&1 | head -c 1`. Only the real process has pipes to close.

/** Runs dist/cli.js with the reading ends of the chosen pipes closed at once, as `| head -c 1` closes them. */
function runWithClosed(
  args: string[],
  closed: Array<'stdout' | 'stderr'>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, LLM_BENCH_DEBUG: '', LLM_BENCH_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    for (const name of ['stdout', 'stderr'] as const) {
      if (closed.includes(name)) child[name].destroy();
      else child[name].on('data', (d: Buffer) => (name === 'stdout' ? (stdout += d) : (stderr += d)));
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`llm-bench ${args.join(' ')} did not finish`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PIPE_CASES = 7;
describe('a closed stdout or stderr changes nothing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(root, 'pipes-'));
    // Enough repetitions that progress lines keep coming after the pipe is gone.
    await writeFile(join(dir, 'c.yml'), commandConfig().replace('repetitions: 2', 'repetitions: 6'));
    await writeFile(
      join(dir, 'base.json'),
      json(makeResults('gpu', { decodeTps: [100, 101, 99, 100, 102, 98, 100, 101] })),
    );
    await writeFile(join(dir, 'head.json'), json(makeResults('gpu', { decodeTps: [80, 81, 79, 80, 82, 78, 80, 81] })));
    await writeFile(join(dir, 'v.json'), verdictText);
  });

  it.each([
    ['stderr', ['stderr']],
    ['stdout and stderr', ['stdout', 'stderr']],
  ] as const)('run with %s closed finishes, exits 0 and leaves complete results', async (what, closed) => {
    const out = join(dir, `run-${what.replace(/ /g, '-')}.json`);
    const r = await runWithClosed(['run', '--config', join(dir, 'c.yml'), '--out', out], [...closed]);
    expect(r.code).toBe(0);
    const results = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(results.status).toBe('complete');
    expect(results.cases[0]!.samples.decode_tps).toHaveLength(6);
    expect((await readFile(`${out}.jsonl`, 'utf8')).trim().split('\n').at(-1)).toMatch(
      /"type":"end","status":"complete"/,
    );
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('compare with stdout closed still exits 1 on a regression and writes the verdict', async () => {
    const out = join(dir, 'verdict.json');
    const r = await runWithClosed(
      ['compare', '--base', join(dir, 'base.json'), '--head', join(dir, 'head.json'), '--out', out],
      ['stdout'],
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wrote .*verdict\.json: regression/);
    expect(JSON.parse(await readFile(out, 'utf8')).status).toBe('regression');
  });

  it('compare with stdout closed still exits 0 when nothing changed', async () => {
    const r = await runWithClosed(
      ['compare', '--base', join(dir, 'base.json'), '--head', join(dir, 'base.json')],
      ['stdout'],
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('report with stdout closed exits 0', async () => {
    const r = await runWithClosed(['report', '--verdict', join(dir, 'v.json')], ['stdout']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('untrusted text in diagnostics never starts a workflow command', async () => {
    const cfg = join(dir, 'inject.yml');
    await writeFile(
      cfg,
      commandConfig().replace(
        /command: \[.*\]/,
        `command: [${JSON.stringify(process.execPath)}, "-e", "process.stderr.write('boom\\\\n::error::pwned\\\\n##[warning]legacy\\\\n'); process.exit(3)"]`,
      ),
    );
    const r = await runCli(['run', '--config', cfg, '--out', join(dir, 'inject.json')], {
      env: { LLM_BENCH_CACHE_DIR: cacheDir },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('error::pwned');
    expect(r.stderr).toContain('[warning]legacy');
    expect(r.stderr.split('\n').filter((l) => /^\s*(::|##\[)/.test(l))).toEqual([]);
  });

  it('bad input with stderr closed still exits 2 and writes nothing', async () => {
    const before = await snapshot(dir);
    const r = await runWithClosed(
      ['compare', '--base', join(dir, 'base.json'), '--head', join(dir, 'head.json'), '--out', join(dir, 'base.json')],
      ['stderr'],
    );
    expect(r.code).toBe(2);
    expect(await snapshot(dir)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The limit on a report's size applies to what is posted to GitHub, not to a file.

describe('report --out writes the whole report', () => {
  it('keeps a template of a megabyte whole in the file, and cuts it when printed', async () => {
    const dir = await mkdtemp(join(root, 'big-'));
    await writeFile(join(dir, 'v.json'), verdictText);
    const body = `${'x'.repeat(99)}\n`.repeat(10_000); // 1,000,000 characters
    await writeFile(join(dir, 'big.hbs'), `{{title}}\n${body}`);
    const out = join(dir, 'report.md');
    const written = await runInProcess([
      'report',
      '--verdict',
      join(dir, 'v.json'),
      '--template',
      join(dir, 'big.hbs'),
      '--out',
      out,
    ]);
    expect(written.code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain(body);
    const printed = await runInProcess([
      'report',
      '--verdict',
      join(dir, 'v.json'),
      '--template',
      join(dir, 'big.hbs'),
    ]);
    expect(printed.code).toBe(0);
    expect(printed.stdout.length).toBeLessThanOrEqual(65_537);
    expect((await readdir(dir)).sort()).toEqual(['big.hbs', 'report.md', 'v.json']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The last line of defence: a write that fails anyway names the file asked for and leaves no temporary file.

describe('writeFileAtomic', () => {
  it('names the path given, never its temporary file, and leaves nothing behind', async () => {
    const { writeFileAtomic } = await import('../src/io/files.js');
    const dir = await mkdtemp(join(root, 'atomic-'));
    await mkdir(join(dir, 'taken.json'));
    await expect(writeFileAtomic(join(dir, 'taken.json'), '{}')).rejects.toThrow(
      new RegExp(`^cannot write ${join(dir, 'taken.json')}: is a directory, expected a file$`),
    );
    await expect(writeFileAtomic('/sys/llm-bench-atomic.json', '{}')).rejects.toThrow(
      /^cannot write \/sys\/llm-bench-atomic\.json: permission denied$/,
    );
    await writeFile(join(dir, 'file'), 'x');
    await expect(writeFileAtomic(join(dir, 'file', 'under.json'), '{}')).rejects.toThrow(
      new RegExp(`^cannot write ${join(dir, 'file', 'under.json')}: a component of the path is not a directory$`),
    );
    expect((await readdir(dir)).sort()).toEqual(['file', 'taken.json']);
    expect(await readdir(join(dir, 'taken.json'))).toEqual([]);
  });
});
