// Reads report templates from disk: the built-in ones in `templates/` or a user's `--template` file. The only I/O of the report stage.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, getErrorMessage } from '../schema/errors.js';
import type { ReportKind } from './view.js';
import type { TemplateSource } from './helpers.js';

export const TEMPLATE_KINDS: readonly ReportKind[] = ['comment', 'summary', 'check'];

/** `comment.md.hbs`, `summary.md.hbs`, `check.md.hbs`. */
export function templateFileName(kind: ReportKind): string {
  return `${kind}.md.hbs`;
}

/** Reads one template file; a missing or unreadable file is an InputError naming it. */
export async function loadTemplateFile(file: string): Promise<TemplateSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a template file'
          : getErrorMessage(error);
    throw new InputError(`cannot read the template: ${why}`, { file });
  }
  return { text: text.replace(/^\uFEFF/, ''), file };
}

/** The built-in template of `kind` from `dir` (the repository's or the action's `templates/`). */
export function loadTemplate(kind: ReportKind, dir: string): Promise<TemplateSource> {
  return loadTemplateFile(join(dir, templateFileName(kind)));
}

/**
 * The `templates/` directory nearest above a module: `findTemplateDir(import.meta.url)` works from
 * `src/cli/…` under vitest and from the bundled `dist/main.js` alike, as long as `templates/` ships
 * beside `dist/` (it does in the action's repository).
 */
export function findTemplateDir(moduleUrl: string, maxLevels = 6): string {
  let dir = dirname(moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : resolve(moduleUrl));
  for (let i = 0; i <= maxLevels; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, templateFileName('comment')))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InputError(`no templates/ directory with ${templateFileName('comment')} above ${moduleUrl}`);
}
