/** Serialising a TIFF image file directory (classic or BigTIFF, little-endian). */

/** TIFF field types used by the writer. */
export enum FieldType {
  ASCII = 2,
  SHORT = 3,
  LONG = 4,
  DOUBLE = 12,
  LONG8 = 16,
}

export interface TiffField {
  tag: number;
  type: FieldType;
  values: number[] | string;
}

const TYPE_SIZE: Record<FieldType, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

function encodeValues(field: TiffField): Uint8Array {
  if (typeof field.values === "string") {
    const text = Buffer.from(`${field.values}\0`, "latin1");
    return new Uint8Array(text.buffer, text.byteOffset, text.byteLength);
  }
  const size = TYPE_SIZE[field.type];
  const bytes = new Uint8Array(field.values.length * size);
  const view = new DataView(bytes.buffer);
  field.values.forEach((v, i) => {
    const o = i * size;
    if (field.type === FieldType.SHORT) view.setUint16(o, v, true);
    else if (field.type === FieldType.LONG) view.setUint32(o, v, true);
    else if (field.type === FieldType.DOUBLE) view.setFloat64(o, v, true);
    else view.setBigUint64(o, BigInt(v), true);
  });
  return bytes;
}

/**
 * The bytes of an IFD placed at file offset `at`, with out-of-line values following it; returns the bytes.
 * Fields are sorted by tag as TIFF requires. `next` is the offset of the following IFD (0: the last one); the size
 * of the bytes depends on the fields' types and counts only, never on their values or on `at`.
 */
export function encodeDirectory(fields: TiffField[], at: number, bigTiff: boolean, next = 0): Uint8Array {
  const sorted = [...fields].sort((a, b) => a.tag - b.tag);
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  const countSize = bigTiff ? 8 : 2;
  const headerSize = countSize + sorted.length * entrySize + (bigTiff ? 8 : 4);
  const payloads = sorted.map(encodeValues);
  let extra = 0;
  for (const p of payloads) if (p.length > inline) extra += p.length + (p.length % 2);
  const out = new Uint8Array(headerSize + extra);
  const view = new DataView(out.buffer);
  if (bigTiff) view.setBigUint64(0, BigInt(sorted.length), true);
  else view.setUint16(0, sorted.length, true);
  let dataOffset = headerSize;
  sorted.forEach((field, i) => {
    const e = countSize + i * entrySize;
    const payload = payloads[i]!;
    const count = typeof field.values === "string" ? payload.length : field.values.length;
    view.setUint16(e, field.tag, true);
    view.setUint16(e + 2, field.type, true);
    if (bigTiff) view.setBigUint64(e + 4, BigInt(count), true);
    else view.setUint32(e + 4, count, true);
    const valueAt = e + (bigTiff ? 12 : 8);
    if (payload.length <= inline) {
      out.set(payload, valueAt);
    } else {
      if (bigTiff) view.setBigUint64(valueAt, BigInt(at + dataOffset), true);
      else view.setUint32(valueAt, at + dataOffset, true);
      out.set(payload, dataOffset);
      dataOffset += payload.length + (payload.length % 2);
    }
  });
  const nextAt = countSize + sorted.length * entrySize;
  if (bigTiff) view.setBigUint64(nextAt, BigInt(next), true);
  else view.setUint32(nextAt, next, true);
  return out;
}

/** The 8-byte classic or 16-byte BigTIFF header pointing at the first IFD. */
export function encodeHeader(firstIfd: number, bigTiff: boolean): Uint8Array {
  const out = new Uint8Array(bigTiff ? 16 : 8);
  const view = new DataView(out.buffer);
  out[0] = 0x49;
  out[1] = 0x49; // "II": little-endian
  if (bigTiff) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, firstIfd, true);
  }
  return out;
}
