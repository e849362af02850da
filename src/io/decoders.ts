/**
 * Faster decoding than geotiff.js's defaults: DEFLATE through node:zlib (native) instead of pako, in the calling
 * thread (no worker round trip). Registered once, on first use of the reader.
 */
import { inflateSync } from "node:zlib";
import { addDecoder, BaseDecoder } from "geotiff";

class ZlibDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = inflateSync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

let registered = false;

/** Registers the node:zlib DEFLATE decoder for compression codes 8 and 32946 (idempotent). */
export function registerFastDecoders(): void {
  if (registered) return;
  registered = true;
  addDecoder([8, 32946], async () => ZlibDeflateDecoder, undefined, false);
}
