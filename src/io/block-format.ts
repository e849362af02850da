/** What a block decoder must know about the blocks of a TIFF, and how messages name a block. */

/** What a decoder must know about the blocks it decodes. */
export interface BlockFormat {
  /** TIFF Compression code. */
  compression: number;
  /** TIFF Predictor: 1 none, 2 horizontal differencing, 3 floating point. */
  predictor: number;
  blockWidth: number;
  blockHeight: number;
  /** Samples interleaved in one block (SamplesPerPixel when chunky, 1 when planar). */
  samplesPerBlockPixel: number;
  /** BitsPerSample of every sample, as the file gives it (needed by LERC). */
  bitsPerSample: number[];
  planarConfiguration: number;
  /** Bytes of one sample (all samples the same size). */
  bytesPerSample: number;
  littleEndian: boolean;
  /** The LercParameters tag (LERC only). */
  lercParameters?: number[] | undefined;
}

/** Which block, for messages: "(block r, c)" with r the block row and c the block column. */
export interface BlockId {
  row: number;
  column: number;
}

/**
 * The one-line message part naming a block.
 *
 * @example
 * ```ts
 * blockName({ row: 2, column: 0 }); // "(block 2, 0)"
 * ```
 */
export function blockName(block: BlockId): string {
  return `(block ${block.row}, ${block.column})`;
}
