/**
 * The LERC decoder's thread: geotiff.js's LERC codec (the `lerc` package), which can spin or allocate without bound
 * on corrupt blobs, runs here so that the reader can stop it at a deadline (see lerc-decoder.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { getDecoder } from "geotiff";

const decoder = await getDecoder(34887, workerData);

parentPort!.on("message", async ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  try {
    const decoded = await decoder.decodeBlock(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    parentPort!.postMessage({ id, decoded }, [decoded as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: String((error as Error)?.message ?? error).slice(0, 200) });
  }
});
