// The explain engine, for bench/explain.mjs.
export { explain } from '../../src/explain/explain.js';
