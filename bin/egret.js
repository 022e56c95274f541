#!/usr/bin/env node
// The CLI is compiled TypeScript: run `npm run build` after changing src/.
import "../dist/src/cli/main.js";
