import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";


/** `compile --json` reports the arena, the layer-wise bound and the schedule's bound; `--no-in-place`. */
const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-in-place-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Summary {
  arenaBytes: number;
  arenaLowerBound: number;
  arenaScheduleBound: number;
  inPlaceNodes: number;
}

function compile(...flags: string[]): Summary {
  const r = spawnSync("node", [EGRET, "compile", join(work, "chain.onnx"), "-o", join(work, `out${flags.join("")}`), "--json", ...flags], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

describe("compile and in-place execution", () => {
  // x -> Sin -> a -> Cos -> b -> Sin -> y: a and b are 256-byte arena tensors live together at Cos.
  writeFileSync(
    join(work, "chain.onnx"),
    encodeOnnxModel({
      inputs: [{ name: "x", dims: [1, 64] }],
      outputs: ["y"],
      nodes: [
        { op: "Sin", inputs: ["x"], outputs: ["a"], name: "s1" },
        { op: "Cos", inputs: ["a"], outputs: ["b"], name: "c" },
        { op: "Sin", inputs: ["b"], outputs: ["y"], name: "s2" },
      ],
      initializers: {},
    }),
  );

  it("--json: Cos overwrites its input, the arena is one tensor, half the layer-wise bound", () => {
    const s = compile();
    expect(s).toMatchObject({ arenaBytes: 256, arenaLowerBound: 512, arenaScheduleBound: 256, inPlaceNodes: 1 });
  });

  it("--no-in-place gives every tensor its own bytes", () => {
    expect(compile("--no-in-place")).toMatchObject({ arenaBytes: 512, arenaLowerBound: 512, arenaScheduleBound: 512, inPlaceNodes: 0 });
  });
});
