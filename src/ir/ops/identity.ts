import type { OpDef } from "../op.js";
import { Tensor } from "../tensor.js";

/** y = x. An alias: the planner gives y the buffer of x and no code is emitted. */
const Identity: OpDef = {
  name: "Identity",
  family: "tensor",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  alias: true,
  infer: (_node, [x]) => [x!],
  evaluate: (_node, [x]) => [new Tensor(x!.dtype, x!.shape, x!.data)],
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const IDENTITY_OPS: readonly OpDef[] = [Identity];
