/**
 * The product registry: every product file of this folder (listed at build time in all.generated.ts), in their
 * declared order, with their options gathered for the option schema.
 */
import { UsageError } from "../errors.js";
import type { OptionSpec, RawOptionsOf, ResolvedOf } from "../options/schema.js";
import { PRODUCT_DEFINITIONS } from "./all.generated.js";
import type { ProductDefinition, RegisteredProduct } from "./types.js";

type Definitions = (typeof PRODUCT_DEFINITIONS)[number];

/** A product's name: `slope`, `aspect`, … */
export type Product = Definitions["name"];

/** Where to write each product (any subset, at least one). */
export type ProductOutputs = Partial<Record<Product, string>>;

/** Every product, in order. */
export const PRODUCTS: readonly RegisteredProduct[] = [...PRODUCT_DEFINITIONS].sort(
  (a, b) => a.order - b.order,
);
// Two products with one order would list in whichever order the files were found.
for (let i = 1; i < PRODUCTS.length; i++) {
  if (PRODUCTS[i]!.order === PRODUCTS[i - 1]!.order)
    throw new Error(
      `products ${PRODUCTS[i - 1]!.name} and ${PRODUCTS[i]!.name} share order ${PRODUCTS[i]!.order}`,
    );
}

/** Every product's name, in order. */
export const PRODUCT_NAMES = PRODUCTS.map((p) => p.name) as readonly Product[];

/** What `batch` writes when `--products` is not given. */
export const BATCH_DEFAULT_PRODUCTS = PRODUCTS.filter((p) => p.inBatchByDefault).map(
  (p) => p.name,
) as Product[];

/** The definition of a product by name. */
export function productDefinition(name: string): RegisteredProduct {
  const found = PRODUCTS.find((p) => p.name === name);
  if (!found) throw new UsageError(`unknown product "${name}": expected one of ${PRODUCT_NAMES.join(", ")}`);
  return found;
}

/** Every product's own options, each once (products may share a spec). */
export const PRODUCT_OPTIONS: readonly OptionSpec[] = [
  ...new Map(PRODUCTS.flatMap((p) => p.options).map((spec) => [spec.key, spec])).values(),
];

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** The resolved options of every product together. */
export type ProductsResolved = UnionToIntersection<
  Definitions extends ProductDefinition<string, infer S> ? ResolvedOf<S> : never
>;

/** The raw options of every product together. */
export type ProductsRaw = UnionToIntersection<
  Definitions extends ProductDefinition<string, infer S> ? RawOptionsOf<S> : never
>;
