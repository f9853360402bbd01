// The one interface every baseline store implements: results in, results out, per runner label.
import type { Results } from '../schema/results.js';

export const BASELINE_KINDS = ['cache', 'branch', 'artifact', 'file'] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];

export interface BaselineStore {
  readonly kind: BaselineKind;
  /**
   * The stored baselines for a runner label, newest first; empty when there are none yet (the
   * store logs why). Throws an InputError only for a stored file the user must fix.
   */
  load(label: string): Promise<Results[]>;
  /** Stores `results` as the newest baseline for the label. */
  save(label: string, results: Results): Promise<void>;
}
