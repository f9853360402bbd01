// Where messages go: the action passes @actions/core's functions, the CLI stderr, tests recorders.

/** Where output goes; the action passes @actions/core's functions, tests pass recorders. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warning: () => {} };
