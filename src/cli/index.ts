// Entry point of dist/cli.js.
import { main } from './main.js';

/**
 * A writer that stops quietly once its stream breaks: `llm-bench run … | head -c 1` closes the pipe, and the
 * EPIPE must neither crash the run (leaving the results "running") nor change the exit code.
 */
function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  // Every write error ends output on this stream, whoever wrote (node-llama-cpp logs to it too); the run goes on.
  stream.on('error', () => {
    open = false;
  });
  return (text) => {
    if (!open || stream.destroyed || !stream.writable) return;
    try {
      stream.write(text);
    } catch {
      open = false;
    }
  };
}

const writeErr = quietWriter(process.stderr);
const writeOut = quietWriter(process.stdout);

/**
 * Diagnostics quote untrusted text (an engine's error, a model's name): a line of it that starts with "::" or "##["
 * would be a workflow command on a GitHub runner, so such a line gets the visible prefix "‹›" (as src/util/log-safe.ts
 * marks it); the line breaks of multi-line diagnostics stay.
 */
const defuseWorkflowCommands = (text: string): string => text.replace(/^(\s*)(::|##\[)/gm, '$1‹›$2');

const code = await main(process.argv.slice(2), {
  env: process.env,
  log: (line) => writeErr(`${defuseWorkflowCommands(line)}\n`),
  print: (text) => writeOut(text.endsWith('\n') ? text : `${text}\n`),
  tty: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
