import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { chainsGraph, type LayerSpec } from "../schedule/in-place-chains.js";

/**
 * Patch offers (src/optimizer/patch-offer.ts) are work of the optimizer like rule applications:
 * each adds one e-node and counts as one application, against `limits.nodes` and
 * `limits.applications` after saturation (`--limit enodes=N`, `--limit applications=N`). A limit
 * stops them after the same first offers on every run, the report says which limit did, and the
 * compile still picks among the candidates it has.
 */
const layer = (kind: LayerSpec["kind"], k: number, stride: number, channels: number, seed: number): LayerSpec => ({ kind, k, stride, pad: k > 1, channels, seed });
/** The first stages of person_detect's shape (as in patch-offer.test.ts), shorter. */
const NETWORK = chainsGraph([{ h: 48, w: 48, c: 1, layers: [layer("conv", 3, 2, 8, 31), layer("depthwise", 3, 1, 2, 32), layer("conv", 1, 1, 16, 33), layer("depthwise", 3, 2, 2, 34), layer("conv", 1, 1, 8, 35)] }]);
// Roomy: every limited run still has a program that fits (the offers, not the fit, are tested here).
const BUDGET = 65_536;

function patched(limits: { nodes?: number; applications?: number } = {}) {
  const result = compile(NETWORK.graph, { sramBudget: BUDGET, limits });
  const optimizer = result.summary.optimizer!;
  const labels = optimizer.extraction.sram!.candidates.map((c) => c.label).filter((l) => l.startsWith("patch("));
  return { result, optimizer, labels };
}

describe("patch offers count against the optimizer's work limits", () => {
  it("are counted in the work report; an e-node or application limit stops them after the same first offers, reported", () => {
    const full = patched();
    const offers = full.optimizer.work.patchOffers;
    console.log(`patch offers: ${offers} built, ${full.labels.length} candidates, e-graph ${full.optimizer.nodes} e-nodes after saturation, ${full.optimizer.work.ruleApplications} rule applications`);
    expect(offers).toBeGreaterThanOrEqual(full.labels.length);
    expect(full.labels.length).toBeGreaterThan(4);
    expect(full.optimizer.extraction.patchOffersStopped).toBeUndefined();

    // Room for exactly 3 more e-nodes after saturation: 3 offers.
    const byNodes = patched({ nodes: full.optimizer.nodes + 3 });
    expect(byNodes.optimizer.stopReason).toBe("saturated");
    expect(byNodes.optimizer.work.patchOffers).toBe(3);
    expect(byNodes.optimizer.extraction.patchOffersStopped).toBe("node-limit");
    expect(full.labels.slice(0, byNodes.labels.length)).toEqual(byNodes.labels);

    // Room for 2 more applications: 2 offers.
    const byApplications = patched({ applications: full.optimizer.work.ruleApplications + 2 });
    expect(byApplications.optimizer.stopReason).toBe("saturated");
    expect(byApplications.optimizer.work.patchOffers).toBe(2);
    expect(byApplications.optimizer.extraction.patchOffersStopped).toBe("application-limit");
    expect(full.labels.slice(0, byApplications.labels.length)).toEqual(byApplications.labels);

    // Work, not time: the limited compile is the same program and files every time.
    const again = patched({ nodes: full.optimizer.nodes + 3 });
    expect([...again.result.files.entries()]).toEqual([...byNodes.result.files.entries()]);
  });
});
