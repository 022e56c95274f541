#!/usr/bin/python3
"""Builds the demo model with the official onnx library: a tiny image classifier
(Conv -> BatchNorm -> Relu -> MaxPool -> Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> Softmax)
with seeded random weights, plus one input image written as .npy and raw .bin.

Usage: make_model.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(2026)
    f32 = np.float32

    def init(name, shape, scale=0.3):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(f32), name)

    inits = [
        init("conv1_w", (8, 1, 3, 3)),
        init("conv1_b", (8,), 0.1),
        numpy_helper.from_array((1.0 + 0.1 * rng.standard_normal(8)).astype(f32), "bn_scale"),
        init("bn_bias", (8,), 0.1),
        init("bn_mean", (8,), 0.1),
        numpy_helper.from_array((0.5 + rng.random(8)).astype(f32), "bn_var"),
        init("conv2_w", (16, 8, 3, 3), 0.2),
        init("conv2_b", (16,), 0.1),
        init("fc_w", (10, 16), 0.5),
        init("fc_b", (10,), 0.1),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv1_w", "conv1_b"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["b1"], name="bn1"),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2_w", "conv2_b"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "egret_demo_tinycnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 16, 16])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    model = helper.make_model(graph, producer_name="egret-demo", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "tinycnn.onnx"))

    # A "7"-like stroke on a dark background, deterministic.
    image = np.zeros((1, 1, 16, 16), dtype=f32)
    image[0, 0, 3, 3:13] = 1.0
    for i in range(10):
        image[0, 0, 4 + i, 12 - i] = 1.0
    np.save(os.path.join(out_dir, "image.npy"), image)
    image.tofile(os.path.join(out_dir, "image.bin"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
