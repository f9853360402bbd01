// The hidden first line of a PR comment, by which the GitHub layer finds its own sticky comment again.

/** The same default as action.yml's `report-id` input. */
export const DEFAULT_REPORT_ID = 'llm-bench';

/**
 * `<!-- llm-bench:report-id=ID -->`. The id is percent-encoded, so ids of letters, digits, `.`, `_`
 * and `-` appear verbatim and nothing (`-->`, `>`, a newline) can end the HTML comment early.
 */
export function reportMarker(id: string = DEFAULT_REPORT_ID): string {
  return `<!-- llm-bench:report-id=${encodeURIComponent(id || DEFAULT_REPORT_ID)} -->`;
}

/** The report id of the first marker in `body`, or undefined when it carries none. */
export function parseReportMarker(body: string): string | undefined {
  const match = /<!-- llm-bench:report-id=([^\s>]*) -->/.exec(body);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}
