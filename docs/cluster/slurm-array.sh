#!/bin/bash
# demgrad over a folder of DEM tiles as a Slurm job array: task K of N processes every N-th of the sorted tiles.
# Submit from the folder that holds tiles/, on storage that every node mounts:   sbatch slurm-array.sh
# Re-submitting the same script later redoes only what is missing (outputs appear atomically; finished ones are
# skipped), so a cancelled, failed or pre-empted task is mended by submitting again.
#SBATCH --job-name=demgrad
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=demgrad-%A_%a.log
set -euo pipefail
mkdir -p out reports
demgrad batch 'tiles/*.tif' -o out --products slope,aspect,hillshade \
  --shard auto --jobs "${SLURM_CPUS_PER_TASK:-1}" -q \
  --report "reports/${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.json"
