/**
 * The command-line options, made from the one option schema (src/options/common.ts and each product's own) and
 * mapped back to library options by the same schema. Validation happens in the library, once.
 */
import { Option } from "@commander-js/extra-typings";
import { COMMON_OPTIONS } from "../options/common.js";
import { attributeName, type OptionSpec } from "../options/schema.js";
import type { ProcessOptions } from "../pipeline/options.js";
import { PRODUCT_OPTIONS, PRODUCTS } from "../products/registry.js";

/** Options as commander hands them over: raw strings, validated later by `resolveOptions`. */
export type RawOptions = Record<string, string | boolean | undefined>;

/** commander's option for a spec. */
function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.help);
  if (spec.type === "choice") option.choices([...(spec.cliChoices ?? spec.choices)]);
  if (spec.cliDefault !== undefined) option.default(spec.cliDefault);
  return option;
}

/** The common options, then `-q/--quiet` and `-v/--verbose` (the command line's own). */
export function commonOptions(): Option[] {
  return [
    ...COMMON_OPTIONS.map(toOption),
    new Option("-q, --quiet", "no progress bar"),
    new Option(
      "-v, --verbose",
      "say which libraries do the work (e.g. DEFLATE through libdeflate or node:zlib)",
    ),
  ];
}

/** A product's own options (its command's), or every product's (`terrain`, `batch`). */
export function productOptions(product?: string): Option[] {
  const specs = product ? (PRODUCTS.find((p) => p.name === product)?.options ?? []) : PRODUCT_OPTIONS;
  return specs.map(toOption);
}

/** Adds options to a command. */
export function withOptions<C extends { addOption(option: never): unknown }>(
  command: C,
  options: Option[],
): C {
  for (const option of options) command.addOption(option as never);
  return command;
}

/** Maps commander's raw option values onto the library's option names (validation happens there). */
export function toProcessOptions(raw: RawOptions): ProcessOptions {
  const options: Record<string, unknown> = {};
  for (const spec of [...COMMON_OPTIONS, ...PRODUCT_OPTIONS]) {
    const value = raw[attributeName(spec.flags)];
    // A flag's switch arrives as true (`--zero-for-flat`), a negated one as false (`--no-edges`): each only when
    // given, so the library's default applies otherwise.
    if (spec.type === "boolean")
      options[spec.key] = value === !spec.flags.includes("--no-") ? value : undefined;
    else options[spec.key] = typeof value === "string" ? value : undefined;
  }
  return options as ProcessOptions;
}
