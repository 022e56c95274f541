#!/usr/bin/env bash
# The main job end to end: build a small ONNX classifier with the official onnx library, compile it
# with Egret, build the C with cc, run it, and print its output next to the reference interpreter's.
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/demo
rm -rf "$out"
mkdir -p "$out"

echo "== 1. build the demo model (examples/demo/make_model.py, python3-onnx)"
/usr/bin/python3 examples/demo/make_model.py "$out"

echo "== 2. egret info"
node bin/egret.js info "$out/tinycnn.onnx"

echo "== 3. egret compile"
node bin/egret.js compile "$out/tinycnn.onnx" -o "$out/c"

echo "== 4. build with cc"
make -s -C "$out/c"

echo "== 5. run the generated C"
mkdir -p "$out/result"
"$out/c/runner" "$out/image.bin" "$out/result"

echo "== 6. the reference interpreter on the same input"
node bin/egret.js run "$out/tinycnn.onnx" --input "$out/image.npy" --output-dir "$out/ref" > /dev/null

node --input-type=module -e '
import { readFileSync } from "node:fs";
import { readNpy } from "./dist/src/io/npy.js";
const c = new Float32Array(new Uint8Array(readFileSync(process.argv[1])).buffer);
const ref = readNpy(process.argv[2]).toNumbers();
let maxErr = 0;
console.log("class  probability (generated C)  reference");
c.forEach((p, i) => { maxErr = Math.max(maxErr, Math.abs(p - ref[i])); console.log(String(i).padStart(5), p.toFixed(6).padStart(26), ref[i].toFixed(6).padStart(10)); });
const top = c.indexOf(Math.max(...c));
console.log(`predicted class ${top}; max |C - reference| = ${maxErr.toExponential(2)}`);
if (maxErr > 1e-4) { console.error("demo: the generated C disagrees with the reference interpreter"); process.exit(1); }
' "$out/result/0.bin" "$out/ref/probs.npy"
