// Assertions shared by the engine tests: the EngineError a promise fails with, and equality up to float rounding.
import { expect } from 'vitest';
import { EngineError } from '../../src/engines/types.js';

/** The EngineError `p` rejects with; fails the test if it resolves or rejects with anything else. */
export async function engineFailure(p: Promise<unknown>): Promise<EngineError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

/** Equal up to floating-point rounding (ns → ms → s conversions reorder the arithmetic). */
export function expectSame(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
}
