import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyElements } from "./gather-common.js";

/**
 * ReverseSequence: for each batch entry b, the first sequence_lens[b] steps along the time axis are
 * reversed and the rest copied. The time and batch axes are 0 and 1 (either way round). The
 * lengths are run-time data: the C clamps them to [0, T], the interpreter rejects values outside
 * [0, T] as a model error.
 */
interface ReversePlan {
  readonly steps: number;
  readonly batch: number;
  /** Element strides of one time step and one batch entry; `inner` elements follow each. */
  readonly timeStride: number;
  readonly batchStride: number;
  readonly inner: number;
}

function planReverse(node: Node, x: ValueInfo, lens: ValueInfo): ReversePlan {
  const timeAxis = attrInt(node, "time_axis", 0);
  const batchAxis = attrInt(node, "batch_axis", 1);
  if (![0, 1].includes(timeAxis) || batchAxis !== 1 - timeAxis) {
    fail("bad-attribute", nodeLabel(node), `time_axis ${timeAxis} and batch_axis ${batchAxis} must be 0 and 1 in some order`);
  }
  if (x.shape.length < 2) fail("bad-shape", nodeLabel(node), `input must have rank 2 or more, got ${shapeToString(x.shape)}`);
  if (lens.dtype !== "int64") fail("unsupported-dtype", nodeLabel(node), `sequence_lens must be int64, got ${lens.dtype}`);
  const steps = x.shape[timeAxis]!;
  const batch = x.shape[batchAxis]!;
  if (lens.shape.length !== 1 || lens.shape[0] !== batch) {
    fail("bad-shape", nodeLabel(node), `sequence_lens must have shape ${batch} (the batch size), got ${shapeToString(lens.shape)}`);
  }
  const inner = numel(x.shape.slice(2));
  return { steps, batch, inner, timeStride: (timeAxis === 0 ? batch : 1) * inner, batchStride: (timeAxis === 0 ? 1 : steps) * inner };
}

const REVERSE_C = `/* ReverseSequence on elements of \`size\` bytes: step t of batch entry b reads step len - 1 - t
   when t < len (len = lens[b] clamped to [0, steps]), else step t. */
static void eg_reverse_sequence(const uint8_t *x, const int64_t *lens, uint8_t *y, int32_t steps, int32_t batch,
    int32_t time_stride, int32_t batch_stride, int32_t inner, int32_t size) {
  int32_t b, t;
  const size_t bytes = (size_t)inner * (size_t)size;
  for (b = 0; b < batch; b++) {
    const int64_t raw = lens[b];
    const int32_t len = raw < 0 ? 0 : raw > steps ? steps : (int32_t)raw;
    for (t = 0; t < steps; t++) {
      const int32_t from = t < len ? len - 1 - t : t;
      memcpy(y + ((size_t)t * (size_t)time_stride + (size_t)b * (size_t)batch_stride) * (size_t)size,
             x + ((size_t)from * (size_t)time_stride + (size_t)b * (size_t)batch_stride) * (size_t)size, bytes);
    }
  }
}`;

const ReverseSequence: OpDef = {
  name: "ReverseSequence",
  family: "tensor",
  dataTypes: "any",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, [x, lens]) {
    planReverse(node, x!, lens!);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  evaluate(node, [x, lens]) {
    const p = planReverse(node, x!, lens!);
    const out = new Tensor(x!.dtype, x!.shape);
    lens!.toArray().forEach((len, b) => {
      if (!(len >= 0 && len <= p.steps)) fail("bad-shape", nodeLabel(node), `sequence_lens[${b}] = ${len} is outside 0..${p.steps}`);
      for (let t = 0; t < p.steps; t++) {
        const from = t < len ? len - 1 - t : t;
        copyElements(x!.data, from * p.timeStride + b * p.batchStride, out.data, t * p.timeStride + b * p.batchStride, p.inner);
      }
    });
    return [out];
  },
  emitC(node, ctx) {
    const [xName, lensName] = node.inputs as [string, string];
    const x = ctx.info(xName);
    const p = planReverse(node, x, ctx.info(lensName));
    if (numel(x.shape) === 0) {
      ctx.line("/* empty tensor: nothing to write */");
      return;
    }
    ctx.define("eg_reverse_sequence", REVERSE_C);
    ctx.line(
      `eg_reverse_sequence((const uint8_t *)${ctx.ptr(xName)}, ${ctx.ptr(lensName)}, (uint8_t *)${ctx.ptr(node.outputs[0]!)}, ${p.steps}, ${p.batch}, ${p.timeStride}, ${p.batchStride}, ${p.inner}, ${DTYPES[x.dtype].bytes});`,
    );
  },
};

registerOps([ReverseSequence]);
