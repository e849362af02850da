/**
 * The LERC decoder's thread: geotiff.js's LERC codec (the `lerc` package), which can spin or allocate without bound
 * on corrupt blobs, runs here so that the reader can stop it at a deadline (see lerc-decoder.ts).
 */
import { parentPort } from "node:worker_threads";
import { type BaseDecoder, getDecoder } from "geotiff";

/** Decoders by their parameters (one per block format seen). */
const decoders = new Map<string, Promise<BaseDecoder>>();

interface Job {
  id: number;
  bytes: Uint8Array;
  parameters: Parameters<typeof getDecoder>[1];
}

parentPort!.on("message", async ({ id, bytes, parameters }: Job) => {
  try {
    const key = JSON.stringify(parameters);
    let decoder = decoders.get(key);
    if (!decoder) {
      decoder = getDecoder(34887, parameters);
      decoders.set(key, decoder);
    }
    const decoded = await (await decoder).decodeBlock(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    parentPort!.postMessage({ id, decoded }, [decoded as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: String((error as Error)?.message ?? error).slice(0, 200) });
  }
});
