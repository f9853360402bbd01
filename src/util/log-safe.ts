// Untrusted text on its way to a log line: no line break, and nothing the Actions runner reads as a workflow command.

/**
 * One log line that no runner parses as a command. The runner reads `::name args::value` (and the legacy
 * `##[name]value`) at the start of any output line (docs.github.com, "Workflow commands for GitHub Actions"), so
 * a label such as `x\n::error title=…::…` or a server's error body could otherwise add annotations, masks or
 * outputs to a privileged job. Line breaks become the visible `⏎`, other control characters `\uXXXX`, and a line
 * that would still start with `::` or `##[` (after blanks) gets a leading `‹›`. Safe for text that is already
 * safe: ordinary messages pass unchanged.
 */
export function logSafe(text: string): string {
  const flat = text
    .replace(/\r\n|\r|\n|\u2028|\u2029|\u0085/g, '⏎')
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return /^\s*(::|##\[)/.test(flat) ? `‹›${flat}` : flat;
}
