import type { EmitCtx } from "../emit-ctx.js";

/**
 * Uses a blocked float32 kernel unit (runtime-c/kernels/<unit>.c) with the register tiles it is
 * built on: tile_f32 (vector code) and tile_scalar_f32 (its inner loops for cores without float
 * vectors: VMLA on Armv7E-M with an FPU, scalar C elsewhere) and tile_avx_f32 (the 256-bit
 * tiles x86 builds pick at run time on cores with AVX).
 */
export function useTileRuntime(ctx: EmitCtx, unit: string): void {
  ctx.useRuntime("tile_f32");
  ctx.useRuntime("tile_scalar_f32");
  ctx.useRuntime("tile_avx_f32");
  ctx.useRuntime(unit);
}
