/**
 * aspect: the compass direction the slope faces (downhill), degrees clockwise from true north (or from the grid's
 * +y axis with `--north grid`, or counter-clockwise from east with `--trigonometric`), DESIGN §2.
 */
import { aspectInto } from "../terrain/aspect.js";
import { pixelSpaceGradient } from "./gdaldem-compat.js";
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "aspect",
  order: 20,
  description: "write aspect: the compass direction the slope faces, degrees clockwise from north",
  outputHelp: "output .tif",
  inBatchByDefault: true,
  formats: ["geotiff"],
  options: [
    {
      key: "zeroForFlat",
      type: "boolean",
      flags: "--zero-for-flat",
      help: "aspect: flat cells get 0 instead of nodata",
      default: false,
    },
    {
      key: "trigonometric",
      type: "boolean",
      flags: "--trigonometric",
      help: "aspect: counter-clockwise angle from east instead of a compass bearing",
      default: false,
    },
  ],
  // Grid north: from the gradient's components along the map's axes.
  needs: (o) => ({ gridGradient: !o.trueNorth }),
  output: (o) => ({
    sampleType: "Float32",
    bands: 1,
    // gdaldem -zero_for_flat sets no nodata and writes 0 for flat cells, borders and nodata windows alike.
    nodata: o.compat && o.zeroForFlat ? undefined : FLOAT_NODATA,
    bandDescriptions: [o.trigonometric ? "aspect (counter-clockwise from east)" : "aspect"],
    units: ["degree"],
    overviewResampling: "circular-mean",
  }),
  kernel(o, spacing) {
    const nodata = o.compat && o.zeroForFlat ? 0 : FLOAT_NODATA;
    const options = {
      trigonometric: o.trigonometric,
      zeroForFlat: o.zeroForFlat,
      nodata,
      northBearing: undefined,
    };
    // gdaldem takes aspect in image space.
    const imageSpace = o.compat ? pixelSpaceGradient(spacing) : undefined;
    return ({ ground, grid }, alloc, ws) => {
      const g = o.trueNorth ? ground : grid;
      return [aspectInto(imageSpace ? imageSpace(g, ws) : g, options, alloc.float32(g.dzdx.length))];
    };
  },
});
