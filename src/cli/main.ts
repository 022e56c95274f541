/**
 * The `egret` command: a thin shell over the library (src/index.ts). Commands parse options, call
 * the library and print; target-specific behaviour comes from the target plugins through the
 * library's toolchain (targets, file readers, measurement), never from target names here.
 */
import { Command, CommanderError } from "commander";
import { EgretError } from "../errors.js";
import { preloadKerasReaderFor } from "../importers/keras/index.js";
import { EGRET_VERSION } from "../version.js";
import { clearProgress } from "./progress.js";
import { registerCompileCommand } from "./compile-command.js";
import { registerEvalCommand } from "./eval.js";
import { registerMeasureCommands } from "./measure-commands.js";
import { registerInfoCommand, registerRunCommand } from "./model-commands.js";
import { registerReportCommand } from "./report.js";
import { registerRulesAndOpsCommands } from "./rules-ops.js";

const program = new Command()
  .name("egret")
  .description("Compile trained neural networks (ONNX, TFLite, Caffe, TensorFlow GraphDef, Keras .h5) into small, dependency-free C for microcontrollers.")
  .version(EGRET_VERSION)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerInfoCommand(program);
registerCompileCommand(program);
registerRunCommand(program);
registerRulesAndOpsCommands(program);
registerEvalCommand(program);
registerReportCommand(program);
registerMeasureCommands(program);

// The .h5 reader initialises asynchronously; load it up front when a model argument is HDF5.
await preloadKerasReaderFor(process.argv.slice(2));
try {
  program.parse(process.argv);
} catch (e) {
  clearProgress();
  if (e instanceof CommanderError) {
    // --help and --version exit 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode;
  } else if (e instanceof EgretError) {
    console.error(`egret: error: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error(`egret: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 70;
  }
} finally {
  // Every action is synchronous, so the command is over here: stop the progress bar's redraw timer,
  // which would otherwise keep the process alive.
  clearProgress();
}
