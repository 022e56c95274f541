import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (the folder with package.json), whether running from src/ or dist/src/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "runtime-c"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("internal: cannot find the egret package root (runtime-c/ missing)");
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const RUNTIME_C_DIR = join(PACKAGE_ROOT, "runtime-c");
export const RULES_DIR = join(PACKAGE_ROOT, "rules");
/**
 * The blocked float32 kernels' rules (register-tiled conv, depthwise, Winograd, GEMM, NHWC GEMM):
 * a target rule file of the targets that run Egret's C kernels on a CPU (host and the microcontroller targets), applied
 * to the emitted program only (`Target.floatRuleFiles`): an accelerator's lowering and
 * post-training quantization expect the generic Conv/Gemm/MatMul.
 */
export const FLOAT_KERNEL_RULES = join(RULES_DIR, "targets", "float-kernels.rules");
