/** TIFF sample types by name, as GDAL calls them. */
export type SampleType = "Int8" | "UInt8" | "Int16" | "UInt16" | "Int32" | "UInt32" | "Float32" | "Float64";

/** Maps TIFF SampleFormat (1 unsigned, 2 signed, 3 float) and BitsPerSample to a type, or undefined. */
export function sampleTypeOf(format: number, bits: number): SampleType | undefined {
  const table: Record<string, SampleType> = {
    "1:8": "UInt8",
    "2:8": "Int8",
    "1:16": "UInt16",
    "2:16": "Int16",
    "1:32": "UInt32",
    "2:32": "Int32",
    "3:32": "Float32",
    "3:64": "Float64",
  };
  return table[`${format}:${bits}`];
}

/** Smallest and largest value of an integer type. */
export function sampleRange(type: SampleType): [number, number] {
  switch (type) {
    case "Int8":
      return [-128, 127];
    case "UInt8":
      return [0, 255];
    case "Int16":
      return [-32768, 32767];
    case "UInt16":
      return [0, 65535];
    case "Int32":
      return [-2147483648, 2147483647];
    case "UInt32":
      return [0, 4294967295];
    default:
      return [-Infinity, Infinity];
  }
}
