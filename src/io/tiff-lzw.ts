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

/** Why an LZW stream cannot be decoded. */
export class LzwError extends Error {}

/**
 * Decodes TIFF LZW (MSB-first codes, libtiff's "early change" widths) into at most `limit` bytes. Every code is
 * checked against the table, so corrupt data end in an `LzwError` — or in a short result, which the reader refuses
 * — in time linear in the output, never past the table or the output.
 *
 * @example
 * ```ts
 * lzwDecode(lzwEncode(new Uint8Array([7, 7, 7])), 3); // Uint8Array [7, 7, 7]
 * ```
 */
export function lzwDecode(input: Uint8Array, limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  const prefix = new Uint16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  const totalBits = input.length * 8;
  let bitPos = 0;
  let width = 9;
  let next = FIRST_FREE;
  let previous = -1;
  let o = 0;
  while (bitPos + width <= totalBits) {
    // The code's bits, most significant first, from up to three bytes.
    const byte = bitPos >>> 3;
    const window = (input[byte]! << 16) | ((input[byte + 1] ?? 0) << 8) | (input[byte + 2] ?? 0);
    const code = (window >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === END_OF_INFORMATION) break;
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      previous = -1;
      continue;
    }
    let entry: number;
    if (previous === -1) {
      if (code > 255) throw new LzwError(`code ${code} right after a Clear`);
      entry = code;
    } else {
      if (code > next || (code === next && next >= 4096)) throw new LzwError(`code ${code} not in the table`);
      if (next < 4096) {
        // The new entry: the previous string plus the first byte of this one (of itself when code === next).
        prefix[next] = previous;
        suffix[next] = first[code === next ? previous : code]!;
        first[next] = first[previous]!;
        length[next] = length[previous]! + 1;
        next++;
        if (next >= (1 << width) - 1 && width < 12) width++;
      } else {
        // Writers clear the table before it is full (libtiff at 4094), and libtiff refuses a table that overflows.
        throw new LzwError("the code table is full and no Clear code follows");
      }
      entry = code;
    }
    const n = length[entry]!;
    if (o + n > limit) throw new LzwError("decodes to more bytes than the block holds");
    for (let e = entry, k = o + n - 1; k >= o; k--) {
      out[k] = suffix[e]!;
      e = prefix[e]!;
    }
    o += n;
    previous = entry;
  }
  return out.subarray(0, o);
}
