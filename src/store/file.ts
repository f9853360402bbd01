// The `file` baseline: a results file committed to the repository (input `baseline-path`).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseResults, type Results } from '../schema/results.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { labelSlug } from '../util/label.js';
import type { BaselineStore } from './types.js';

export interface FileStoreIO {
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
}

const nodeIO: FileStoreIO = {
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  },
};

export interface FileStoreOptions {
  /** The `baseline-path` input; `{label}` in it is replaced by the runner label, for one file per runner. */
  path: string;
  log?: Logger;
  io?: FileStoreIO;
}

export class FileBaselineStore implements BaselineStore {
  readonly kind = 'file' as const;
  private readonly log: Logger;
  private readonly io: FileStoreIO;

  constructor(private readonly options: FileStoreOptions) {
    if (!options.path.trim()) throw new InputError("the 'baseline-path' input is required when baseline is 'file'");
    this.log = options.log ?? silentLogger;
    this.io = options.io ?? nodeIO;
  }

  pathFor(label: string): string {
    return this.options.path.includes('{label}')
      ? this.options.path.replaceAll('{label}', labelSlug(label))
      : this.options.path;
  }

  async load(label: string): Promise<Results[]> {
    const path = this.pathFor(label);
    let text: string;
    try {
      text = await this.io.readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.log.info(
          `No baseline file at ${path}: nothing to compare with yet. Commit a results file there (llm-bench writes one per run).`,
        );
        return [];
      }
      throw new InputError(
        `cannot read the baseline file: ${code === 'EISDIR' ? 'is a directory, expected a file' : getErrorMessage(error)}`,
        { file: path },
      );
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`the baseline file is not valid JSON: ${getErrorMessage(error)}`, { file: path });
    }
    const results = parseResults(data, path);
    if (results.runner.label !== label) {
      this.log.warning(
        `The baseline file ${path} was recorded on runner "${results.runner.label}", not "${label}": comparing different machines. ` +
          'Put {label} in baseline-path to keep one file per runner.',
      );
    }
    return [results];
  }

  async save(label: string, results: Results): Promise<void> {
    const path = this.pathFor(label);
    await this.io.writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
    this.log.info(`Wrote the baseline to ${path}; commit it to make it the baseline of later runs.`);
  }
}
