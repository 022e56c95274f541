import { registerOps } from "../registry.js";

// Ops of this family are being written; see docs/adding-ops.md.
registerOps([]);
