// Picks the baseline store the `baseline` input names; the I/O objects come in from the action.
import { ArtifactBaselineStore, type ArtifactStoreOptions } from './artifact.js';
import { BranchBaselineStore, type BranchStoreOptions } from './branch.js';
import { CacheBaselineStore, type CacheStoreOptions } from './cache.js';
import { FileBaselineStore, type FileStoreOptions } from './file.js';
import type { BaselineStore } from './types.js';

export type { BaselineStore, BaselineKind } from './types.js';
export { BASELINE_KINDS } from './types.js';
export { FileBaselineStore, BranchBaselineStore, CacheBaselineStore, ArtifactBaselineStore };
export { defaultCacheService, baselineCacheKey, baselineCachePrefix, type CacheService } from './cache.js';
export { DEFAULT_DATA_BRANCH } from './branch.js';
export { labelSlug } from '../util/label.js';

export type BaselineStoreSpec =
  | ({ kind: 'file' } & FileStoreOptions)
  | ({ kind: 'branch' } & BranchStoreOptions)
  | ({ kind: 'cache' } & CacheStoreOptions)
  | ({ kind: 'artifact' } & ArtifactStoreOptions);

export function createBaselineStore(spec: BaselineStoreSpec): BaselineStore {
  switch (spec.kind) {
    case 'file':
      return new FileBaselineStore(spec);
    case 'branch':
      return new BranchBaselineStore(spec);
    case 'cache':
      return new CacheBaselineStore(spec);
    case 'artifact':
      return new ArtifactBaselineStore(spec);
  }
}
