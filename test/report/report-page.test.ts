import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import puppeteer from "puppeteer-core";
import { afterAll, describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { writeNpy } from "../../src/io/npy.js";
import { chromiumOrSkip } from "../support/chromium.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-report-page-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** Where the screenshots go: EGRET_REPORT_SCREENSHOTS (docs/images/ to refresh the README's), else the test's temp folder. */
const SHOTS = process.env["EGRET_REPORT_SCREENSHOTS"] ?? work;

async function egret(...args: string[]): Promise<{ out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [EGRET, ...args], { encoding: "utf8", maxBuffer: 64 << 20, timeout: CHILD_TIMEOUT_MS });
    return { out: stdout, err: stderr };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`egret ${args.join(" ")} failed: ${x.stderr ?? x.message}`);
  }
}

/** The ops of a `--dump ir` text, one per node line, in run order. */
function irOps(text: string): string[] {
  const body = text.slice(text.indexOf("\n\n") + 2);
  return body.split("\n").filter((l) => l !== "").map((l) => /= (\w+)[[(]/.exec(l)![1]!);
}

/** 16 MNIST digits from `first` as .npy files scaled to [0, 1], in a folder of their own. */
function mnistFolder(shared: string, name: string, first: number): string {
  const images = gunzipSync(readFileSync(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz")));
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < 16; k++) {
    const at = 16 + (first + k) * 784;
    writeNpy(join(dir, `digit${String(k).padStart(2, "0")}.npy`), new Tensor("float32", [1, 1, 28, 28], Float32Array.from(images.subarray(at, at + 784), (v) => v / 255)));
  }
  return dir;
}

interface PageFacts {
  readonly problems: string[];
  readonly afterOps: string[];
  readonly beforeNodes: number;
  readonly peakBytes: number;
  readonly markerBytes: number;
  readonly quantRows: number;
}

/** Opens the page in headless chromium, collects what the test checks, writes a full-page screenshot. */
async function inspect(chromium: string, page: string, shot: string): Promise<PageFacts> {
  const browser = await puppeteer.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    tab.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    // The page is self-contained: any request but the page itself is a problem (no network needed).
    tab.on("request", (r) => {
      if (r.url() !== `file://${page}`) problems.push(`request: ${r.url()}`);
    });
    await tab.setViewport({ width: 1400, height: 900 });
    await tab.goto(`file://${page}`, { waitUntil: "load" });
    const facts = await tab.evaluate(() => {
      const svg = document.querySelector("#memory-timeline");
      return {
        afterOps: [...document.querySelectorAll("#graph-after .op-node")].map((n) => n.getAttribute("data-op") ?? ""),
        beforeNodes: document.querySelectorAll("#graph-before .op-node").length,
        peakBytes: Number(svg?.getAttribute("data-peak-bytes")),
        markerBytes: Number(document.querySelector("#peak-marker")?.getAttribute("data-bytes")),
        quantRows: document.querySelectorAll("#quant-bars .bar-row").length,
      };
    });
    await tab.screenshot({ path: shot as `${string}.png`, fullPage: true });
    return { problems, ...facts };
  } finally {
    await browser.close();
  }
}

interface Case {
  readonly name: string;
  readonly model: (shared: string) => string;
  readonly options: (shared: string) => string[];
  readonly quantized: boolean;
}

const CASES: Case[] = [
  { name: "kws", model: (s) => join(s, "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite"), options: () => ["--target", "cortex-m4"], quantized: false },
  { name: "person_detect", model: (s) => join(s, "models/tflite/tflm-models/person_detect.tflite"), options: () => ["--target", "cortex-m4", "--sram-budget", "100k"], quantized: false },
  {
    name: "mnist-int8",
    model: (s) => join(s, "models/onnx/onnx2c/test/mnist/model.onnx"),
    options: (s) => ["--quantize", "int8", "--calib", mnistFolder(s, "calib", 0), "--data", mnistFolder(s, "eval", 100), "--quiet"],
    quantized: true,
  },
];

describe("egret report in headless chromium", () => {
  for (const c of CASES) {
    it(`${c.name}: loads without errors, one graph node per op, timeline peak = arenaBytes; screenshot`, async (ctx) => {
      const shared = sharedOrSkip(ctx, `the HTML report of ${c.name}`);
      const chromium = chromiumOrSkip(ctx, `the HTML report of ${c.name} in a browser`);
      const model = c.model(shared);
      const options = c.options(shared);
      const page = join(work, `${c.name}.html`);
      const dumps = join(work, `${c.name}-ir`);
      // compile --json --report: the arena and the program (--dump ir) from the same compile as the page.
      const compiled = await egret("compile", model, "-o", join(work, `${c.name}-out`), "--json", "--dump", "ir", dumps, "--report", page, ...options);
      const arenaBytes = (JSON.parse(compiled.out) as { arenaBytes: number }).arenaBytes;
      const info = JSON.parse((await egret("info", model, "--json")).out) as { nodes: number };
      // `egret report` writes the same page as `compile --report`.
      const reportPage = join(work, `${c.name}-report.html`);
      await egret("report", model, "-o", reportPage, ...options);
      expect(readFileSync(reportPage, "utf8")).toBe(readFileSync(page, "utf8"));

      const shot = join(SHOTS, `report-${c.name}.png`);
      const facts = await inspect(chromium, page, shot);
      expect(facts.problems).toEqual([]);
      expect(facts.afterOps).toEqual(irOps(readFileSync(join(dumps, "ir-after.txt"), "utf8")));
      expect(facts.beforeNodes).toBe(info.nodes);
      expect(facts.peakBytes).toBe(arenaBytes);
      expect(facts.markerBytes).toBe(arenaBytes);
      if (c.quantized) expect(facts.quantRows).toBeGreaterThan(0);
      else expect(facts.quantRows).toBe(0);
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      console.log(`report ${c.name}: arena ${arenaBytes} B, ${facts.afterOps.length} nodes after, ${info.nodes} before, ${facts.quantRows} quantised layers; screenshot ${shot}`);
    });
  }
});
