// Reads report templates from disk: the built-in ones in `templates/` or a user's `--template` file. The report stage's I/O, kept at the edge.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../util/errors.js';
import { readText } from './files.js';
import type { ReportKind } from '../report/view.js';
import type { TemplateSource } from '../report/helpers.js';

export const TEMPLATE_KINDS: readonly ReportKind[] = ['comment', 'summary', 'check'];

/** `comment.md.hbs`, `summary.md.hbs`, `check.md.hbs`. */
export function templateFileName(kind: ReportKind): string {
  return `${kind}.md.hbs`;
}

/** Reads one template file; a missing or unreadable file is an InputError naming it. */
export async function loadTemplateFile(file: string): Promise<TemplateSource> {
  const text = await readText(file, 'the template');
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
