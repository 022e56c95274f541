import { fail } from "../../errors.js";
import type { BuildOptions } from "../../ir/build.js";
import { shapeDims } from "./blobs.js";
import type { GraphBuilder } from "./builder.js";
import type { BlobShapeMsg, NetMsg } from "./messages.js";
import { inTestPhase, isDataLayer, layerParams, layerSubject, type CaffeLayer } from "./net.js";

/**
 * Declares the net's inputs, in this order: the legacy `input` + `input_shape`/`input_dim` fields,
 * Input layers (`input_param.shape`: one for all tops or one per top), and the first top of data
 * layers (Data, ImageData...: any phase, since a saved training net keeps its TRAIN data layer
 * only). A data layer records no shape, so its input needs --input-shape (or a deploy prototxt).
 */
export function declareInputs(builder: GraphBuilder, net: NetMsg, layers: readonly CaffeLayer[], options: BuildOptions): void {
  const declare = (blob: string, dims: readonly number[] | undefined, subject: string, hint: string) => {
    if (builder.hasBlob(blob)) return;
    const forced = options.inputShapes?.get(blob);
    const known = dims && dims.length > 0 && dims.every((d) => d > 0) ? dims : undefined;
    if (known) {
      // The core checks an --input-shape override against these fixed dims.
      builder.addInput(blob, known);
    } else if (forced) {
      builder.addInput(blob, forced, dims && dims.length === forced.length ? dims.map((d) => (d > 0 ? d : undefined)) : forced.map(() => undefined));
    } else {
      fail("dynamic-shape", subject, `input "${blob}" has no static shape${dims ? ` ([${dims.join("x")}])` : ""}; ${hint}give one with --input-shape ${blob}=1x3x224x224 (your sizes)`);
    }
  };

  netLevelInputs(net).forEach(({ name, shape }) => declare(name, shape, `input "${name}"`, ""));

  for (const layer of layers) {
    if (layer.type === "Input" && inTestPhase(layer.msg)) {
      const p = layerParams(layer, "input_param");
      // The schema makes every InputParameter.shape entry a BlobShape.
      const raw = p.messages("shape") as unknown as readonly BlobShapeMsg[];
      if (raw.length > 1 && raw.length !== layer.tops.length) p.bad("shape", `has ${raw.length} shapes for ${layer.tops.length} tops; give one shape, or one per top`);
      layer.tops.forEach((top, i) => {
        const shape = raw[raw.length > 1 ? i : 0];
        declare(top, shape ? shapeDims(shape, layerSubject(layer), "input_param.shape") : undefined, layerSubject(layer), "");
      });
    } else if (isDataLayer(layer) && layer.tops.length > 0) {
      const top = layer.tops[0]!;
      if (builder.hasBlob(top)) continue;
      declare(top, undefined, layerSubject(layer), "a data layer records no shape: pass the deploy net with --prototxt, or ");
      const t = layerParams(layer, "transform_param");
      const scale = t.float("scale", 1);
      const mean = t.floats("mean_value");
      if (scale !== 1 || mean.length > 0 || t.has("mean_file")) {
        const steps = [mean.length > 0 ? `subtracted mean [${mean.join(", ")}]` : t.has("mean_file") ? "subtracted a mean file" : "", scale !== 1 ? `scaled by ${scale}` : ""].filter(Boolean);
        builder.notes.push(`${layerSubject(layer)}: training ${steps.join(" and ")} before the net; preprocess inputs the same way`);
      }
    }
  }
}

/** The legacy NetParameter inputs with their shapes (`input_shape`, or 4 `input_dim` per input). */
function netLevelInputs(net: NetMsg): { name: string; shape: number[] | undefined }[] {
  const n = net.input.length;
  if (net.input_shape.length > 0 && net.input_shape.length !== n) {
    fail("parse", "net inputs", `${n} inputs but ${net.input_shape.length} input_shape entries; give one per input`);
  }
  if (net.input_dim.length > 0 && net.input_dim.length !== 4 * n) {
    fail("parse", "net inputs", `${n} inputs but ${net.input_dim.length} input_dim values; give four (N, C, H, W) per input`);
  }
  return net.input.map((name, i) => {
    const fromShape = net.input_shape[i];
    if (fromShape) return { name, shape: shapeDims(fromShape, `input "${name}"`, "input_shape") };
    return { name, shape: net.input_dim.length > 0 ? net.input_dim.slice(4 * i, 4 * i + 4) : undefined };
  });
}
