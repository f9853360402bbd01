// Errors the user can fix: they name the file, the path inside it and what was expected.

export class InputError extends Error {
  readonly file: string | undefined;
  readonly path: string | undefined;
  /** The message without the file and path in front. */
  readonly detail: string;

  constructor(message: string, opts: { file?: string; path?: string } = {}) {
    const where = [opts.file, opts.path].filter(Boolean).join(': ');
    super(where ? `${where}: ${message}` : message);
    this.name = 'InputError';
    this.file = opts.file;
    this.path = opts.path;
    this.detail = message;
  }

  /** The same error, naming `file` when it gave a path inside a file but no file (an engine knows the path in a config, not the config). */
  inFile(file: string): InputError {
    return this.file || !this.path ? this : new InputError(this.detail, { file, path: this.path });
  }
}

export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Formats a path of keys and indexes the way users read it: `cases[3].samples.decode_tps[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}
