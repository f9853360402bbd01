// The job summary: appends the report's Markdown to the file GitHub names in GITHUB_STEP_SUMMARY.
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';
import { getErrorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';

/** GitHub refuses to show a step's summary over 1 MiB (and annotates the step with an error). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

const CUT_NOTE = `${EOL}${EOL}… (summary cut to GitHub's 1 MiB job summary limit)${EOL}`;

/** Cuts Markdown to `limitBytes` of UTF-8 without splitting a character. */
export function fitSummary(markdown: string, limitBytes = SUMMARY_LIMIT_BYTES): { markdown: string; cut: boolean } {
  const bytes = Buffer.from(markdown, 'utf8');
  if (bytes.length <= limitBytes) return { markdown, cut: false };
  let end = limitBytes - Buffer.byteLength(CUT_NOTE);
  // Step back over UTF-8 continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return { markdown: bytes.subarray(0, end).toString('utf8') + CUT_NOTE, cut: true };
}

export interface JobSummaryResult {
  written: boolean;
  message: string;
}

/**
 * Appends `markdown` to the job summary at `path` (ActionContext.stepSummaryPath). Never throws:
 * a summary that cannot be written is a warning, not a failed benchmark.
 */
export async function writeJobSummary(
  markdown: string,
  path: string | undefined,
  log: Logger = silentLogger,
): Promise<JobSummaryResult> {
  if (!path) {
    return {
      written: false,
      message: 'GITHUB_STEP_SUMMARY is not set (not running in GitHub Actions?): no job summary written',
    };
  }
  const fitted = fitSummary(markdown);
  if (fitted.cut) log.warning("The report is larger than GitHub's 1 MiB job summary limit; the summary was cut.");
  try {
    await appendFile(path, fitted.markdown.endsWith(EOL) ? fitted.markdown : fitted.markdown + EOL, 'utf8');
    return { written: true, message: 'Wrote the job summary' };
  } catch (error) {
    const message = `Could not write the job summary to ${path}: ${getErrorMessage(error)}`;
    log.warning(message);
    return { written: false, message };
  }
}
