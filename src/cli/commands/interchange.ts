// `llm-bench import` and `llm-bench export`: other tools' results into results@1, and results or verdicts out.
import { readFile } from 'node:fs/promises';
import { importLlamaBench } from '../../interchange/llama-bench.js';
import { importVllm } from '../../interchange/vllm.js';
import { exportResults, exportVerdict, type ExportFormat } from '../../interchange/export.js';
import { InputError, getErrorMessage } from '../../util/errors.js';
import { parseVerdict } from '../../schema/verdict.js';
import { checkOutputPaths, writeFileAtomic } from '../../io/files.js';
import { readJsonFile } from '../io.js';
import { readResults } from './compare.js';
import type { CliContext } from './run.js';
import { EXIT } from '../exit.js';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${what} does not exist`
        : code === 'EISDIR'
          ? `${what} is a directory, expected a file`
          : getErrorMessage(error),
      { file },
    );
  }
}

export async function importCommand(
  opts: { from: 'llama-bench' | 'vllm'; file: string; out: string; label: string },
  ctx: CliContext,
): Promise<number> {
  await checkOutputPaths([{ label: '--out', path: opts.out }], [{ label: '--file', path: opts.file }]);
  const text = await readText(opts.file, `the ${opts.from} output`);
  const results =
    opts.from === 'vllm'
      ? importVllm(text, { label: opts.label, file: opts.file })
      : importLlamaBench(text, { label: opts.label, file: opts.file });
  await writeFileAtomic(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  ctx.log(
    `wrote ${opts.out}: ${results.cases.length} case(s) from ${opts.from} output ${opts.file} (runner "${results.runner.label}")`,
  );
  return EXIT.pass;
}

export async function exportCommand(
  opts: { results?: string; verdict?: string; format: ExportFormat; out?: string },
  ctx: CliContext,
): Promise<number> {
  if (!opts.results === !opts.verdict) throw new InputError('give exactly one of --results or --verdict');
  const input = (opts.results ?? opts.verdict)!;
  if (opts.out)
    await checkOutputPaths(
      [{ label: '--out', path: opts.out }],
      [{ label: opts.results ? '--results' : '--verdict', path: input }],
    );
  let text: string;
  if (opts.results) {
    text = exportResults(await readResults(opts.results), opts.format);
  } else {
    if (opts.format !== 'csv' && opts.format !== 'jsonl')
      throw new InputError(`--format ${opts.format} exports results; a verdict exports as csv or jsonl`);
    text = exportVerdict(parseVerdict(await readJsonFile(input, 'verdict file'), input), opts.format);
  }
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out} (${opts.format})`);
  } else ctx.print(text.replace(/\n$/, ''));
  return EXIT.pass;
}
