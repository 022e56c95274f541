import { execFileSync } from "node:child_process";
import { fail } from "../../../src/errors.js";

/** The window marker of backends/cortex-m/c/counter.h, defined by runner.c. */
export const MARK_SYMBOL = "eg_mark";

/**
 * The entry address of `symbol` in a built image, from arm-none-eabi-nm: the PC the egret-cycles
 * plugin marks windows at (`mark=ADDR`). Thumb symbols carry bit 0 set; the plugin clears it.
 */
export function symbolAddress(elfPath: string, symbol: string = MARK_SYMBOL): number {
  const nm = execFileSync("arm-none-eabi-nm", [elfPath], { encoding: "utf8" });
  const line = nm.split("\n").find((l) => l.endsWith(` ${symbol}`) && / [Tt] /.test(l));
  if (line === undefined) fail("internal", `cycle estimate of ${elfPath}`, `the image has no ${symbol} function (the window marker of counter.h)`);
  return Number.parseInt(line.split(" ")[0]!, 16);
}
