/** The page's stylesheet (inlined: the report needs no network and no other file). */
export const REPORT_CSS = `
:root { --ink: #1d232b; --muted: #5d6673; --line: #d8dce2; --accent: #c2410c; --fused: #7c3aed; --ok: #15803d; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fafbfc; }
header { padding: 18px 28px 10px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .meta { color: var(--muted); }
main { padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 16px 0; overflow-x: auto; }
section h2 { margin: 0 0 10px; font-size: 17px; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 130px; background: #fff; }
.tile .v { font-size: 18px; font-weight: 600; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile.ok .v { color: var(--ok); } .tile.bad .v { color: var(--bad); }
.row { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
.side { min-width: 200px; }
.side dl { margin: 0; display: grid; grid-template-columns: auto auto; gap: 4px 14px; }
.side dt { color: var(--muted); } .side dd { margin: 0; font-weight: 600; text-align: right; }
.graphs { display: flex; gap: 24px; align-items: flex-start; }
.graphs > div { flex: 0 0 auto; }
.graphs h3 { font-size: 14px; margin: 4px 0 6px; }
.legend { color: var(--muted); font-size: 12px; margin: 4px 0 10px; }
.legend .sw { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -2px; margin: 0 4px 0 10px; border: 1px solid #999; }
table { border-collapse: collapse; font-size: 12.5px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.l, th.l { text-align: left; }
th { color: var(--muted); font-weight: 600; }
details summary { cursor: pointer; color: var(--muted); margin: 8px 0; }
.empty, .note { color: var(--muted); }
ul.notes { color: var(--muted); margin: 0; padding-left: 18px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
.program-graph .edge { fill: none; stroke: #8a8f98; stroke-width: 1.2; }
.program-graph .op-node rect { stroke: #6b7280; stroke-width: 1; }
.program-graph .op-node.fused rect { stroke: var(--fused); stroke-width: 2.5; }
.program-graph .op-node.alias rect { stroke-dasharray: 4 3; }
.program-graph .op { font-weight: 700; font-size: 12px; }
.program-graph .fused-tag { fill: var(--fused); font-weight: 700; }
.program-graph .measured { fill: var(--accent); }
#memory-timeline .plot-bg { fill: #f7f8fa; stroke: var(--line); }
#memory-timeline .buffer { stroke: #fff; stroke-width: 0.5; }
#memory-timeline .live-curve { fill: none; stroke: #1f2937; stroke-width: 1.4; stroke-opacity: 0.7; }
#memory-timeline .arena-top line { stroke: var(--bad); stroke-width: 1.6; }
#memory-timeline .lower-bound line { stroke: #1f2937; stroke-dasharray: 5 4; }
#memory-timeline .peak-line { stroke: var(--bad); stroke-dasharray: 2 3; }
#memory-timeline .peak-dot { fill: var(--bad); }
#memory-timeline .peak-label, #memory-timeline .arena-top text { fill: var(--bad); font-weight: 600; }
#memory-timeline .axes text { fill: var(--muted); }
.bars .bar { fill: #60a5fa; }
.bars .bad .bar { fill: #f87171; }
.bars .bar-text { fill: var(--muted); }
.bars .marker line { stroke: var(--bad); stroke-width: 1.6; stroke-dasharray: 5 3; }
.bars .marker text { fill: var(--bad); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; padding: 0 28px 24px; }
`;
