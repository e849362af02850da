// A real one-node Slurm cluster for tests: munged, slurmctld and slurmd on 127.0.0.1, configured in a temporary
// folder on free ports, stopped by pid. Debian's slurm-wlm and munge provide the daemons (.ci/run installs them).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";

const DAEMONS = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd"];

/** Why a Slurm cluster cannot be started here, or false when it can. */
export function slurmMissing() {
  if (spawnSync("sbatch", ["--version"]).error) return "slurm-wlm not installed (no sbatch on PATH)";
  const absent = DAEMONS.find((d) => !existsSync(d));
  if (absent) return `${absent} not installed (Debian packages slurm-wlm and munge)`;
  if (process.getuid?.() !== 0) return "starting slurmd needs root";
  return false;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(command, args, env) {
  const result = spawnSync(command, args, { encoding: "utf8", env });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Starts munged, slurmctld and slurmd with their state under `dir`; resolves once the node is idle. Returns the
 * environment that points Slurm's commands at this cluster and `stop()`.
 */
export async function startSlurm(dir) {
  for (const sub of ["state", "spool", "log"]) mkdirSync(`${dir}/${sub}`, { recursive: true });
  const key = `${dir}/munge.key`;
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o600);
  chmodSync(dir, 0o755); // munged wants its socket's folder searchable by all
  const socket = `${dir}/munge.sock`;
  const pids = [];
  /** The pid a daemon wrote, or 0 while the file is missing or not yet written. */
  const pidOf = (file) => {
    const text = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
    return /^\d+$/.test(text) ? Number(text) : 0;
  };
  const stop = async () => {
    for (const pid of pids.reverse()) {
      // Never 0 or 1: process.kill(0) would signal the test runner's whole process group.
      if (pid <= 1) continue;
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
    }
    for (const pid of pids) {
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(50);
      }
    }
  };
  // A daemon creates its pid file and writes the pid a moment later: wait for the number itself.
  const started = async (file) => {
    for (let i = 0; i < 200 && pidOf(file) === 0; i++) await sleep(50);
    const pid = pidOf(file);
    if (pid === 0) throw new Error(`${file} holds no pid after 10 s: see ${dir}/log`);
    pids.push(pid);
  };
  try {
    // Each daemon in its own session (setsid), so nothing it signals on shutdown reaches the test runner.
    run("setsid", [
      "/usr/sbin/munged",
      "--force",
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--log-file=${dir}/log/munged.log`,
      `--pid-file=${dir}/munged.pid`,
      `--seed-file=${dir}/munged.seed`,
    ]);
    await started(`${dir}/munged.pid`);
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const node = hostname();
    const conf = `${dir}/slurm.conf`;
    writeFileSync(
      conf,
      [
        "ClusterName=demgradtest",
        `SlurmctldHost=${node}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        `AuthInfo=socket=${socket}`,
        "CredType=cred/munge",
        `StateSaveLocation=${dir}/state`,
        `SlurmdSpoolDir=${dir}/spool`,
        `SlurmctldPidFile=${dir}/slurmctld.pid`,
        `SlurmdPidFile=${dir}/slurmd.pid`,
        `SlurmctldLogFile=${dir}/log/slurmctld.log`,
        `SlurmdLogFile=${dir}/log/slurmd.log`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "MpiDefault=none",
        "SchedulerType=sched/builtin",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU_Memory",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/none",
        "ReturnToService=2",
        // SIGTERM first, SIGKILL 5 s later: time for demgrad to remove its temporary files.
        "KillWait=5",
        // Finished jobs stay visible to squeue -t all for the checks.
        "MinJobAge=600",
        `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 RealMemory=4096 State=UNKNOWN`,
        "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        "",
      ].join("\n"),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    run("setsid", ["/usr/sbin/slurmctld", "-f", conf, "-i"], env);
    await started(`${dir}/slurmctld.pid`);
    run("setsid", ["/usr/sbin/slurmd", "-f", conf], env);
    await started(`${dir}/slurmd.pid`);
    const deadline = Date.now() + 30_000;
    while (spawnSync("sinfo", ["-h", "-o", "%t"], { encoding: "utf8", env }).stdout.trim() !== "idle") {
      if (Date.now() > deadline) throw new Error(`the Slurm node did not come up: see ${dir}/log`);
      await sleep(200);
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each task of a job array and its state (squeue -t all), e.g. { "0": "COMPLETED", "1": "CANCELLED" }. */
export function arrayStates(jobId, env) {
  const lines = run("squeue", ["-h", "-t", "all", "-r", "-j", String(jobId), "-o", "%K %T"], env);
  const states = {};
  for (const line of lines.trim().split("\n").filter(Boolean)) {
    const [task, state] = line.trim().split(/\s+/);
    states[task] = state;
  }
  return states;
}

/** Waits until no task of the job is pending or running (deadline in ms); returns the tasks' final states. */
export async function waitForArray(jobId, env, deadlineMs = 120_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const states = arrayStates(jobId, env);
    const active = Object.values(states).some((s) =>
      ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].includes(s),
    );
    if (Object.keys(states).length > 0 && !active) return states;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still running after ${deadlineMs} ms: ${JSON.stringify(states)}`);
    await sleep(200);
  }
}

/** Submits a batch script from `cwd`; returns the job id. */
export function submit(script, cwd, env) {
  const result = spawnSync("sbatch", ["--parsable", script], { encoding: "utf8", cwd, env });
  if (result.status !== 0) throw new Error(`sbatch failed: ${result.stderr}`);
  return Number(result.stdout.trim().split(";")[0]);
}

export { run as runChecked };
