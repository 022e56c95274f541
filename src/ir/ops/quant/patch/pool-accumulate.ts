import type { EmitCtx } from "../../../emit-ctx.js";
import type { GlobalPool } from "./plan.js";

/**
 * C of a patch chain's global pool (plan.ts `GlobalPool`): int32 sums (or maxima) per channel,
 * started before the first band, fed each band's rows, finished after the last band with the
 * rounding and clamping of eg_qpool_i8 (round half away from zero, then the activation range).
 */
const HELPERS = `static void eg_patch_pool_start_i8(int32_t *acc, int32_t channels, int32_t is_max)
{
  int32_t c;
  for (c = 0; c < channels; c++) acc[c] = is_max ? -128 : 0;
}

static void eg_patch_pool_add_i8(const int8_t *x, int32_t *acc, int32_t pixels, int32_t channels, int32_t is_max)
{
  int32_t p, c;
  for (p = 0; p < pixels; p++) {
    for (c = 0; c < channels; c++) {
      int32_t v = x[p * channels + c];
      if (is_max) { if (v > acc[c]) acc[c] = v; } else acc[c] += v;
    }
  }
}

static void eg_patch_pool_end_i8(const int32_t *acc, int8_t *y, int32_t count, int32_t channels, int32_t act_min, int32_t act_max, int32_t is_max)
{
  int32_t c, r;
  for (c = 0; c < channels; c++) {
    if (is_max) r = acc[c];
    else r = acc[c] > 0 ? (acc[c] + count / 2) / count : (acc[c] - count / 2) / count;
    y[c] = (int8_t)(r < act_min ? act_min : r > act_max ? act_max : r);
  }
}`;

export function poolAccumulator(ctx: EmitCtx, pool: GlobalPool, acc: string) {
  ctx.define("eg_patch_pool_i8", HELPERS);
  const max = pool.isMax ? 1 : 0;
  return {
    start: () => ctx.line(`eg_patch_pool_start_i8(${acc}, ${pool.channels}, ${max});`),
    add: (rows: string, pixels: number) => ctx.line(`eg_patch_pool_add_i8(${rows}, ${acc}, ${pixels}, ${pool.channels}, ${max});`),
    end: (out: string) => ctx.line(`eg_patch_pool_end_i8(${acc}, ${out}, ${pool.count}, ${pool.channels}, ${pool.actMin}, ${pool.actMax}, ${max});`),
  };
}
