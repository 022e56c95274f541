/** Registers the KPU ops and the `k210` target (imported once from backends/all.ts). */
import "./ops/kpu-conv2d.js";
import "./ops/kpu-conv2d-candidate.js";
import { registerBackend } from "../../src/pipeline/target.js";
import { k210Backend } from "./target.js";

registerBackend(k210Backend);
