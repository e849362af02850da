/** The TIFF LZW encoder (TIFF 6.0 §13, with libtiff's code-width rules, which every TIFF reader expects). */

const CLEAR = 256;
const END_OF_INFORMATION = 257;
const FIRST_FREE = 258;
/** libtiff clears the table when the next free code would be 4094 (12-bit codes, the decoder one entry behind). */
const TABLE_FULL = 4094;

/**
 * Encodes bytes as TIFF LZW: MSB-first codes of 9 to 12 bits, starting with Clear and ending with
 * EndOfInformation. The code width grows when the next free code reaches 2ⁿ and the table is cleared at 4094,
 * exactly where libtiff's encoder does it (so the decoder's "early change" sees the widths it expects).
 *
 * @example
 * ```ts
 * const encoded = lzwEncode(new Uint8Array([7, 7, 7, 7, 7, 7]));
 * ```
 */
export function lzwEncode(input: Uint8Array): Uint8Array {
  // At most one code of ≤ 12 bits per input byte, plus Clear codes and EOI.
  const out = new Uint8Array(Math.ceil(((input.length + input.length / 1000 + 4) * 12) / 8) + 8);
  let length = 0;
  let bits = 0;
  let bitCount = 0;
  let width = 9;
  const emit = (code: number) => {
    bits = (bits << width) | code;
    bitCount += width;
    while (bitCount >= 8) {
      bitCount -= 8;
      out[length++] = bits >>> bitCount;
    }
    bits &= (1 << bitCount) - 1;
  };
  // (prefix code, byte) → code, one slot per pair; entries are stamped with the table's generation, so a Clear
  // empties the table without touching its 1M slots.
  const table = lzwTable(Math.ceil(input.length / (TABLE_FULL - FIRST_FREE)) + 2);
  let generation = ++table.generation;
  let next = FIRST_FREE;
  emit(CLEAR);
  if (input.length > 0) {
    let prefix = input[0]!;
    for (let i = 1; i < input.length; i++) {
      const byte = input[i]!;
      const slot = (prefix << 8) | byte;
      const entry = table.codes[slot]!;
      if (entry >>> 12 === generation) {
        prefix = entry & 0xfff;
        continue;
      }
      emit(prefix);
      table.codes[slot] = (generation << 12) | next++;
      prefix = byte;
      if (next === TABLE_FULL) {
        emit(CLEAR);
        generation = ++table.generation;
        next = FIRST_FREE;
        width = 9;
      } else if (next === 1 << width) {
        width++;
      }
    }
    emit(prefix);
    // The decoder adds an entry for this last code too: widen or clear where it will.
    next++;
    if (next === TABLE_FULL) {
      emit(CLEAR);
      width = 9;
    } else if (next === 1 << width) {
      width++;
    }
  }
  emit(END_OF_INFORMATION);
  if (bitCount > 0) out[length++] = bits << (8 - bitCount);
  return out.slice(0, length);
}

/** One reusable table: 4096 prefixes × 256 bytes (4 MiB), entries stamped with a 20-bit generation (0 = empty). */
let shared: { codes: Int32Array; generation: number } | undefined;

/** The shared table, emptied first if `clears` more generations would not fit in 20 bits. */
function lzwTable(clears: number): { codes: Int32Array; generation: number } {
  if (!shared) shared = { codes: new Int32Array(4096 * 256), generation: 0 };
  if (shared.generation + clears >= 0xfffff) {
    shared.codes.fill(0);
    shared.generation = 0;
  }
  return shared;
}
