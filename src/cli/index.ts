// Entry point of dist/cli.js.
import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  env: process.env,
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  tty: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
