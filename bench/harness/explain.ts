// The explain engine, for bench/explain.mjs and bench/explain-accuracy.mjs.
export { explain } from '../../src/explain/explain.js';
export { SimilarityIndex } from '../../src/explain/similar.js';
export { TRAIN_CORPUS } from '../../src/explain/corpus.generated.js';
