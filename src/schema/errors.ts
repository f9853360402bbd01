// Errors the user can fix: they name the file, the path inside it and what was expected.

export class InputError extends Error {
  readonly file: string | undefined;
  readonly path: string | undefined;

  constructor(message: string, opts: { file?: string; path?: string } = {}) {
    const where = [opts.file, opts.path].filter(Boolean).join(': ');
    super(where ? `${where}: ${message}` : message);
    this.name = 'InputError';
    this.file = opts.file;
    this.path = opts.path;
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
