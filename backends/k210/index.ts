/** Registers the KPU ops and the `k210` target (imported once from backends/all.ts). */
import "./ops/kpu-conv2d.js";
import "./ops/kpu-conv2d-candidate.js";
import { registerGuard } from "../../src/rules/guards.js";
import { registerBackend } from "../index.js";
import { K210_GUARDS } from "./kpu-guards.js";
import { k210Backend } from "./target.js";

for (const [name, def] of K210_GUARDS) registerGuard(name, def);
registerBackend(k210Backend);
