// The command line's exit codes, one place for the commands and for --help.

/** 0 pass, 1 regression, 2 bad input or usage, 3 incomplete (a partial or cancelled run: not judged in full), 130 interrupted. */
export const EXIT = { pass: 0, regression: 1, badInput: 2, incomplete: 3, interrupted: 130 } as const;
