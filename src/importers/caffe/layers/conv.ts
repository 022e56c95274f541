import type { LayerCtx } from "../builder.js";
import { convGeometry } from "../geometry.js";

/**
 * Convolution -> Conv and Deconvolution -> ConvTranspose. Caffe stores the weights exactly as ONNX
 * wants them: [num_output, C/group, k...] for Convolution and [C, num_output/group, k...] for
 * Deconvolution, whose output size stride*(in-1) + dilation*(k-1) + 1 - 2*pad is ConvTranspose's
 * with symmetric pads and no output_padding.
 */
export function convolution(ctx: LayerCtx, transposed: boolean): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("convolution_param");
  if (p.int("axis", 1) !== 1) p.bad("axis", "must be 1 (channels on axis 1, NCHW); other axes are not supported");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const rank = xs.length - 2;
  if (rank < 1 || rank > 3) ctx.fail(`input has shape [${xs.join(",")}]; a convolution needs [N, C, spatial...] with 1 to 3 spatial axes`, "bad-shape");
  const g = convGeometry(p, rank);
  const numOutput = p.int("num_output", 0, 1);
  const group = p.int("group", 1, 1);
  const channels = xs[1]!;
  if (channels % group !== 0 || numOutput % group !== 0) {
    p.bad("group", `= ${group} must divide both the input channels (${channels}) and num_output (${numOutput})`);
  }
  const weightShape = transposed ? [channels, numOutput / group, ...g.kernel] : [numOutput, channels / group, ...g.kernel];
  const inputs = [x, ctx.weight(0, weightShape, "weight")];
  if (p.bool("bias_term", true)) inputs.push(ctx.weight(1, [numOutput], "bias"));
  ctx.opTop(0, transposed ? "ConvTranspose" : "Conv", inputs, {
    kernel_shape: g.kernel,
    pads: [...g.pad, ...g.pad],
    strides: g.stride,
    dilations: g.dilation,
    group,
  });
}
