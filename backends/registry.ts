/**
 * Imports every backend so that each registers itself with `backends/index.ts`. The compiler and
 * the CLI import this file once; a new target adds one import line here.
 */
import "../src/pipeline/target.js";
import "./k210/index.js";
import "./cortex-m/index.js";
