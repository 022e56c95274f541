/**
 * The library's default toolchain for tests that call core modules directly (which take the op
 * registry, the rule vocabulary or a cost model as values): the same values `src/index.ts` binds.
 */
import { toolchain } from "../../src/index.js";

export const OPS = toolchain.ops;
export const VOCABULARY = toolchain.vocabulary;
/** What `optimizeGraph` needs besides the rules, for the host target (its plugin's cost model, patch-band prices included). */
export const HOST_OPTIMIZE = { ops: OPS, costModel: toolchain.target("host").costModel } as const;
/** The cost model of a target of the default toolchain. */
export const costModelOf = (target: string) => toolchain.target(target).costModel;
