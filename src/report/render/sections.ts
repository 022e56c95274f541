import type { EgraphView, MemoryView, ProgramView, QuantView, ReportData, SizeView } from "../types.js";
import { barsSvg } from "./bars-svg.js";
import { programGraphSvg } from "./graph-svg.js";
import { memoryTimelineSvg } from "./timeline-svg.js";
import { bytes, count, decibels, esc, shapeText } from "./text.js";

/** SQNR below which a layer's bar is drawn red: int8 layers usually sit well above it. */
const SQNR_WARNING_DB = 20;

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const cell = (tag: string, text: string, i: number) => `<${tag}${i < leftColumns ? ` class="l"` : ""}>${text}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell("th", esc(h), i)).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")}</tbody></table>`;
}

export function sizesSection(s: SizeView): string {
  const bars = [
    ...s.flash.map((i) => ({ label: `flash: ${i.label}`, value: i.bytes, text: bytes(i.bytes) })),
    { label: "flash total", value: s.flashTotal, text: bytes(s.flashTotal) },
    ...s.ram.map((i) => ({ label: `RAM: ${i.label}`, value: i.bytes, text: bytes(i.bytes) })),
    { label: "RAM total", value: s.ramTotal, text: bytes(s.ramTotal), ...(s.sramBudget !== undefined && s.ramTotal > s.sramBudget ? { cls: "bad" } : {}) },
  ];
  const marker = s.sramBudget === undefined ? {} : { marker: { value: s.sramBudget, label: `--sram-budget ${bytes(s.sramBudget)}` } };
  const arena = s.ram.find((i) => i.label === "arena")?.bytes ?? 0;
  const budgetLine =
    s.sramBudget === undefined
      ? `<p class="note">No --sram-budget given: extraction chose the cheapest program regardless of its arena.</p>`
      : `<p>Arena ${count(arena)} B against the --sram-budget of ${count(s.sramBudget)} B: ${arena <= s.sramBudget ? `fits with ${count(s.sramBudget - arena)} B to spare` : `over by ${count(arena - s.sramBudget)} B`}${s.ramTotal > s.sramBudget ? `; with stack and state the RAM total ${count(s.ramTotal)} B is over it` : ""}.</p>`;
  const source = s.source === "measured" ? "Measured from a cross build of the generated folder (arm-none-eabi-size, gcc's stack usage)." : "Planned by the compiler (code size and stack are measured on targets with a cross build).";
  return section("sizes", "Flash and RAM", `<p class="note">${source}</p>\n${barsSvg("size-bars", bars, marker)}\n${budgetLine}`);
}

export function memorySection(m: MemoryView): string {
  const side = `<div class="side"><dl>
<dt>arena (planned)</dt><dd>${count(m.arenaBytes)} B</dd>
<dt>layer-wise lower bound</dt><dd>${count(m.lowerBound)} B</dd>
<dt>achieved / bound</dt><dd>${m.lowerBound > 0 ? (m.arenaBytes / m.lowerBound).toFixed(3) : "-"}</dd>
<dt>peak step</dt><dd>${m.peakStep}</dd>
<dt>buffers</dt><dd>${m.buffers.length}</dd>
<dt>alignment</dt><dd>${m.alignment} B</dd>
<dt>state (kept between calls)</dt><dd>${count(m.stateBytes)} B</dd>
<dt>stack (model_run)</dt><dd>${m.stackBytes === undefined ? "not measured" : `${count(m.stackBytes)} B`}</dd>
</dl></div>`;
  const legend = `<p class="legend">Each rectangle is one buffer from its first to its last step at its arena offset (hover for its name).<span class="sw" style="background:#b9bec7"></span>kernel scratch · black curve: bytes live at each step (its maximum is the lower bound) · red: the arena's top and the peak.</p>`;
  return section("memory", "Memory timeline", `${legend}<div class="row">${memoryTimelineSvg(m)}${side}</div>`);
}

export function graphsSection(before: ProgramView, after: ProgramView, profile: ReportData["profile"]): string {
  const legend = `<p class="legend">Colour: share of ${profile === undefined ? "predicted cycles" : "measured instructions"} (darker is slower).<span class="sw" style="background:#fff;border:2.5px solid #7c3aed"></span>fused activation<span class="sw" style="background:#f4f5f7;border-style:dashed"></span>alias (no code). Hover a node for its figures.${profile === undefined ? "" : ` Measured: ${esc(profile.file)} (${esc(profile.kernels)} kernels), ${profile.matched} kernel calls matched.`}</p>`;
  const column = (v: ProgramView, id: string) => `<div><h3>${esc(v.title)}: ${v.nodes.length} nodes, ${count(v.totalMacs)} MACs, ${count(v.totalPredictedCycles)} predicted cycles</h3>${programGraphSvg(v, id)}</div>`;
  return section("graphs", "Program graph", `${legend}<div class="graphs">${column(before, "graph-before")}${column(after, "graph-after")}</div>\n${nodeTable(after)}`);
}

function nodeTable(v: ProgramView): string {
  const rows = v.nodes.map((n) => [
    esc(`${n.index}`),
    esc(n.op) + (n.fused === undefined ? "" : ` +${esc(n.fused)}`),
    esc(`${n.dtype}[${shapeText(n.shape)}]`),
    count(n.macs),
    bytes(n.weightBytes),
    count(n.predictedCycles),
    n.measuredInstructions === undefined ? "" : count(n.measuredInstructions),
    esc(n.name),
  ]);
  return `<details><summary>Emitted program as a table (${v.nodes.length} nodes)</summary>${table(["#", "op", "output", "MACs", "weights", "predicted cycles", "measured instr.", "node"], rows, 2)}</details>`;
}

export function quantSection(q: QuantView | undefined): string {
  if (q === undefined) return section("quant", "Quantisation error", `<p class="note">Not computed: give --quantize with --calib (and optionally --data) to compare each layer of the integer program with the float one.</p>`);
  const finite = q.layers.filter((l) => Number.isFinite(l.sqnrDb)).map((l) => l.sqnrDb);
  const max = Math.max(40, ...finite);
  const bars = q.layers.map((l) => ({
    label: l.tensor,
    value: Number.isFinite(l.sqnrDb) ? Math.max(l.sqnrDb, 0) : max,
    text: `${decibels(l.sqnrDb)}, cos ${l.cosine.toFixed(4)} (${l.dtype})`,
    ...(l.sqnrDb < SQNR_WARNING_DB ? { cls: "bad" } : {}),
  }));
  const top1 = (o: QuantView["outputs"][number]) => (o.top1Agreement === undefined ? "" : `, top-1 agreement with float ${(100 * o.top1Agreement).toFixed(2)}%`);
  const outputs = q.outputs.map((o) => `output ${esc(o.name)}: SQNR ${decibels(o.sqnrDb)}, cosine ${o.cosine.toFixed(5)}${top1(o)}`).join("<br>");
  const fallbacks = q.floatFallbacks.length === 0 ? "" : `<p class="note">Stays float: ${q.floatFallbacks.map((f) => esc(`${f.node} (${f.op}): ${f.reason}`)).join("; ")}</p>`;
  const body = `<p>${q.samples} samples (${esc(q.source)}); per layer, the integer program against the float program, worst layer first. Red: below ${SQNR_WARNING_DB} dB.</p>
${barsSvg("quant-bars", bars, { max })}
<p>${outputs}</p>${fallbacks}`;
  return section("quant", "Quantisation error per layer", body);
}

export function egraphSection(e: EgraphView | undefined): string {
  if (e === undefined) return section("egraph", "E-graph run", `<p class="note">The optimizer did not run (--no-optimize).</p>`);
  const iterations = table(
    ["iteration", "e-nodes", "e-classes", "rule applications"],
    e.iterations.map((it) => [String(it.iteration), count(it.nodes), count(it.classes), count(it.applied)]),
  );
  const hits = e.hits.length === 0 ? `<p class="note">No rule changed the graph.</p>` : barsSvg("rule-hits", e.hits.map((h) => ({ label: h.rule, value: h.applied, text: count(h.applied) })));
  const x = e.extraction;
  const candidates =
    x.sramCandidates === undefined
      ? ""
      : table(["candidate", "arena", "cost", "chosen"], x.sramCandidates.map((c) => [esc(c.label), `${count(c.arenaBytes)} B`, count(c.cost), c.chosen ? "yes" : ""]));
  const body = `<div class="row"><div>${iterations}<p>Stopped: <b>${esc(e.stopReason)}</b> with ${count(e.nodes)} e-nodes in ${count(e.classes)} e-classes after ${count(e.ruleApplications)} rule applications.</p></div>
<div class="side"><dl><dt>extraction used</dt><dd>${esc(x.used)}</dd><dt>requested</dt><dd>${esc(x.requested)}</dd><dt>cost model</dt><dd>${esc(x.costModel)}</dd>
<dt>greedy cost</dt><dd>${count(x.greedyCost)}</dd><dt>chosen cost</dt><dd>${count(x.cost)}</dd>${x.dagStatus === undefined ? "" : `<dt>DAG search</dt><dd>${esc(x.dagStatus)}</dd>`}
<dt>nodes before / after</dt><dd>${e.nodesBefore} / ${e.nodesAfter}</dd><dt>kernel calls before / after</dt><dd>${e.kernelCallsBefore} / ${e.kernelCallsAfter}</dd></dl></div></div>
<h3>Rules that fired</h3>${hits}${candidates === "" ? "" : `<h3>SRAM-budget candidates</h3>${candidates}`}`;
  return section("egraph", "E-graph run", body);
}
