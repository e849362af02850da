/** Splitting a batch deterministically across the tasks of a cluster job array. */
import { UsageError } from "../errors.js";
import { integer } from "../validate.js";

export interface Shard {
  index: number;
  count: number;
}

/**
 * `K/N`, or `auto`: K and N from a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX` + `shardCount`), an AWS Batch
 * array job (`AWS_BATCH_JOB_ARRAY_INDEX`/`_SIZE`) or a Slurm array (`SLURM_ARRAY_TASK_ID`/`_COUNT`, relative to
 * `SLURM_ARRAY_TASK_MIN`).
 *
 * @example
 * ```ts
 * parseShard("2/8"); // { index: 2, count: 8 }
 * parseShard("auto", { env: { AWS_BATCH_JOB_ARRAY_INDEX: "3", AWS_BATCH_JOB_ARRAY_SIZE: "10" } }); // { index: 3, count: 10 }
 * ```
 */
export function parseShard(
  value: string,
  {
    env = process.env,
    shardCount,
  }: { env?: NodeJS.ProcessEnv; shardCount?: string | number | undefined } = {},
): Shard {
  let index: number;
  let count: number;
  if (value === "auto") {
    if (env["JOB_COMPLETION_INDEX"] !== undefined) {
      if (shardCount === undefined)
        throw new UsageError("--shard auto in a Kubernetes Indexed Job needs --shard-count N");
      index = integer("JOB_COMPLETION_INDEX", env["JOB_COMPLETION_INDEX"], { min: 0 });
      count = integer("shard count", shardCount, { min: 1 });
    } else if (env["AWS_BATCH_JOB_ARRAY_INDEX"] !== undefined) {
      index = integer("AWS_BATCH_JOB_ARRAY_INDEX", env["AWS_BATCH_JOB_ARRAY_INDEX"], { min: 0 });
      count = integer("AWS_BATCH_JOB_ARRAY_SIZE", env["AWS_BATCH_JOB_ARRAY_SIZE"], { min: 1 });
    } else if (env["SLURM_ARRAY_TASK_ID"] !== undefined) {
      const min = integer("SLURM_ARRAY_TASK_MIN", env["SLURM_ARRAY_TASK_MIN"] ?? "0", { min: 0 });
      index = integer("SLURM_ARRAY_TASK_ID", env["SLURM_ARRAY_TASK_ID"], { min: 0 }) - min;
      count = integer("SLURM_ARRAY_TASK_COUNT", env["SLURM_ARRAY_TASK_COUNT"], { min: 1 });
    } else {
      throw new UsageError(
        "--shard auto found no job array index (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID)",
      );
    }
  } else {
    const match = /^(\d+)\/(\d+)$/.exec(value);
    if (!match) throw new UsageError(`Expected K/N or auto for shard but received "${value}"`);
    index = Number(match[1]);
    count = Number(match[2]);
  }
  return checkShard({ index, count });
}

/** Throws a `UsageError` unless K and N are integers with 0 ≤ K < N (any other shard would get no tiles). */
function checkShard(shard: Shard): Shard {
  const { index, count } = shard;
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
    throw new UsageError(`Expected integers 0 ≤ K < N for shard but received ${index}/${count}`);
  }
  return shard;
}

/** This shard's share of the sorted inputs: every N-th, starting at K. */
export function shardInputs<T>(sorted: T[], shard: Shard | undefined): T[] {
  if (!shard) return sorted;
  const { index, count } = checkShard(shard);
  return sorted.filter((_, i) => i % count === index);
}
