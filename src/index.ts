/**
 * demgrad — terrain analysis of DEM GeoTIFFs in true ground metres. The public library surface (re-exports only).
 */

export { gradient } from "./core/gradient.js";
export type { NdArray, NumericArray } from "./core/ndarray.js";
export {
  AbortError,
  DemgradError,
  type DemgradErrorCode,
  GeorefError,
  InputError,
  OutputError,
  UsageError,
  type WarningHandler,
} from "./errors.js";
export { georefFromEpsg, georefFromTags, verticalUnitFromName } from "./geo/georef.js";
export { spacingModel, spacingRange } from "./geo/spacing.js";
export type {
  Crs,
  Georef,
  GeoTransform,
  GroundFrame,
  OneSidedDifferences,
  SpacingMode,
  SpacingModel,
} from "./geo/types.js";
export type { Dem, DemHandle, DemSource, ElevationSource, OpenOptions, SampleType } from "./io/dem-reader.js";
export { openDem, readDem } from "./io/dem-reader.js";
export { writeGeoTiff } from "./io/geotiff-writer.js";
export { type DeflateBackend, deflateBackend, deflateFallbackReason } from "./io/libdeflate.js";
export { writePng } from "./io/png-writer.js";
export {
  type Compression,
  createRasterWriter,
  type OutputSampleType,
  type RasterWriter,
  type RasterWriterOptions,
} from "./io/raster-writer.js";
export { nativeFallbackReason } from "./native.js";
export {
  type BatchOptions,
  type BatchResult,
  expandInputs,
  processBatch,
  type TileReport,
  writeBatchReport,
} from "./pipeline/batch.js";
export { type DemInfo, describeDem } from "./pipeline/info.js";
export { terrainGradient } from "./pipeline/memory-dem.js";
export type { ProcessOptions } from "./pipeline/options.js";
export { type ProcessResult, processDem } from "./pipeline/process.js";
export { parseShard, type Shard, shardInputs } from "./pipeline/shard.js";
export { PRODUCT_NAMES, type Product, type ProductOutputs } from "./products/registry.js";
export { type AspectOptions, aspect, validateAspectOptions } from "./terrain/aspect.js";
export { computeDerivatives } from "./terrain/derivatives.js";
export {
  type HillshadeOptions,
  type HillshadeVariant,
  hillshade,
  validateHillshadeOptions,
} from "./terrain/hillshade.js";
export { type SlopeOptions, slope, validateSlopeOptions } from "./terrain/slope.js";
export type { ElevationStrip, GradientStrip, Method } from "./terrain/types.js";
