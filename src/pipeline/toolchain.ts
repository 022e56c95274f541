import { fail } from "../errors.js";
import { CORE_OPS } from "../ir/ops/index.js";
import { OpRegistry } from "../ir/registry.js";
import { ruleVocabulary, type RuleVocabulary } from "../rules/vocabulary.js";
import type { ModelFileReader, Target, TargetPlugin } from "./target.js";

/**
 * Everything a compile may use, assembled explicitly from a list of target plugins (the library
 * entry passes backends/registry.ts's list; a test may pass its own): the op registry (core ops
 * plus every plugin's ops), the rule vocabulary (core guards plus the plugins'), the targets by
 * name and the file readers. Built once; nothing registers itself on import.
 */
export interface Toolchain {
  readonly plugins: readonly TargetPlugin[];
  readonly targets: readonly Target[];
  readonly ops: OpRegistry;
  readonly vocabulary: RuleVocabulary;
  readonly readers: readonly ModelFileReader[];
  /** The target named `name`; fails naming the option and the choices. */
  target(name: string): Target;
  /** The plugin that provides the target named `name`. */
  pluginOf(target: Target): TargetPlugin;
}

/** The target `compile` uses when none is given: portable C for the build machine. */
export const DEFAULT_TARGET = "host";

export function createToolchain(plugins: readonly TargetPlugin[]): Toolchain {
  const targets = plugins.flatMap((p) => p.targets);
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.name)) throw new Error(`internal: target "${t.name}" defined twice`);
    names.add(t.name);
  }
  const ops = OpRegistry.of(CORE_OPS, ...plugins.map((p) => p.ops ?? []));
  return {
    plugins,
    targets,
    ops,
    vocabulary: ruleVocabulary(ops, plugins.map((p) => p.guards ?? [])),
    readers: plugins.flatMap((p) => p.readers ?? []),
    target(name) {
      const found = targets.find((t) => t.name === name);
      if (found === undefined) fail("bad-option", "option --target", `unknown target "${name}"; choose one of: ${targets.map((t) => t.name).join(", ")}`);
      return found;
    },
    pluginOf(target) {
      const plugin = plugins.find((p) => p.targets.includes(target));
      if (plugin === undefined) throw new Error(`internal: target "${target.name}" belongs to no plugin`);
      return plugin;
    },
  };
}
