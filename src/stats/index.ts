// The statistics toolbox: descriptive statistics, rank tests, resampling and t-based intervals.
export { median, quantile, mad, mean, stdev, geomean, medianInPlace, selectInPlace } from './descriptive.js';
export { averageRanks, pooledRankSum, sortedCopy, tieTerm, hasTies, type Ranking, type PooledRanks } from './ranks.js';
export {
  mannWhitneyU,
  mannWhitneyExactCdf,
  mannWhitneyExactCdfTable,
  mannWhitneyExactCdfProduct,
  MANN_WHITNEY_EXACT_TABLE_MAX,
  chooseMannWhitneyMethod,
  type MannWhitneyResult,
  type MannWhitneyMethod,
  type MannWhitneyOptions,
} from './mannwhitney.js';
export {
  wilcoxonSignedRank,
  wilcoxonExactTails,
  type WilcoxonResult,
  type WilcoxonMethod,
  type WilcoxonOptions,
} from './wilcoxon.js';
export { signFlipTest, SIGN_FLIP_MONTE_CARLO_MAX, type SignFlipOptions, type SignFlipResult } from './permutation.js';
export {
  bootstrapRatioCI,
  bootstrapCentreCI,
  bootstrapPairedRatioCI,
  bootstrapMedianDraw,
  RESAMPLE_MAX,
  ratioOf,
  ratioOfMedians,
  type BootstrapOptions,
  type BootstrapMethod,
  type CentreStatistic,
  type PairedRatioEstimate,
} from './bootstrap.js';
export { predictionInterval, predictionPValue, type PredictionInterval } from './prediction.js';
export {
  normalSf,
  normalCdf,
  erfc,
  regularizedBeta,
  inverseRegularizedBeta,
  regularizedGammaQ,
  studentTSf,
  studentTCdf,
  studentTQuantile,
} from './special.js';
export {
  seededRandom,
  seedFrom,
  randomIndex,
  normalVariate,
  gammaVariate,
  betaVariate,
  type Random,
} from './random.js';
