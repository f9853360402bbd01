// Runner labels made safe for paths, cache keys and artifact names, without two labels colliding.
import { createHash } from 'node:crypto';
import { InputError } from './errors.js';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/**
 * `gpu-4080` stays `gpu-4080`; anything else (slashes, `..`, spaces, commas, non-ASCII, over 80
 * characters) is reduced to safe characters plus a short hash of the original, so `gpu/4080` and
 * `gpu-4080` never share a baseline. The result never contains `/`, `\`, `..` or a leading dot and
 * is valid in a git path, an @actions/cache key and an artifact name.
 */
export function labelSlug(label: string): string {
  if (label.trim() === '') throw new InputError('the runner label is empty; set the runner-label input');
  if (SAFE.test(label) && !label.includes('..')) return label;
  const readable = label
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(label).digest('hex').slice(0, 8);
  return readable ? `${readable}-${hash}` : `label-${hash}`;
}
