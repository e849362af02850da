/** What northness and eastness share: their `--weighted` option and their kernel (src/terrain/aspect-components.ts). */

import { defineOptions } from "../options/schema.js";
import { type AspectComponent, aspectComponentInto } from "../terrain/aspect-components.js";
import { type BandAllocator, FLOAT_NODATA, type StripInputs } from "./types.js";

/** `--weighted`, one spec for both products. */
export const WEIGHTED_OPTIONS = defineOptions([
  {
    key: "weighted",
    type: "boolean",
    flags: "--weighted",
    help: "northness/eastness: times sin(slope), so flat ground is 0 and steep slopes count most",
    default: false,
  },
]);

/** The product kernel of one component, with or without the weighting. */
export function aspectComponentKernel(component: AspectComponent, weighted: boolean) {
  return ({ ground }: StripInputs, alloc: BandAllocator) => [
    aspectComponentInto(ground, component, weighted, FLOAT_NODATA, alloc.float32(ground.dzdx.length)),
  ];
}
