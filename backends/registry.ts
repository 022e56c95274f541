/**
 * The target plugins, one line each: the library entry (src/index.ts) builds its toolchain from
 * this list. Adding a target = adding its folder and one line here.
 */
import type { TargetPlugin } from "../src/pipeline/target.js";
import { cortexMPlugin } from "./cortex-m/index.js";
import { hostPlugin } from "./host/index.js";
import { k210Plugin } from "./k210/index.js";

export const TARGET_PLUGINS: readonly TargetPlugin[] = [
  hostPlugin,
  k210Plugin,
  cortexMPlugin,
];
