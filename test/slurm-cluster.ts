/**
 * A one-node Slurm cluster on this machine for tests: munged, slurmctld and slurmd with
 * their own key, socket, ports, state and logs in a temp dir (nothing of the system's
 * Slurm or MUNGE is touched). Needs root (the daemons run as root) and Debian's
 * `slurm-wlm` and `munge` packages.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

const BINARIES = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol"];

function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"])) if (existsSync(join(dir, bin))) return join(dir, bin);
  return undefined;
}

/** Why a one-node cluster cannot start here, or false when it can. */
export function slurmSkipReason(): string | false {
  if (process.getuid?.() !== 0) return "needs root to run slurmctld, slurmd and munged";
  const missing = BINARIES.filter((b) => !which(b));
  if (missing.length > 0) return `missing ${missing.join(", ")}: apt-get install slurm-wlm munge (.ci/run installs them)`;
  return false;
}

/** A started cluster: its config file (pass as SLURM_CONF) and a stop function. */
export interface SlurmCluster {
  readonly conf: string;
  readonly node: string;
  /** Environment for sbatch/squeue: this process's plus SLURM_CONF. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts munged, slurmctld and slurmd on loopback in `dir` and waits until the node is idle. */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  const node = hostname().split(".")[0] ?? "localhost";
  const port = 20000 + (process.pid % 20000);
  await mkdir(join(dir, "state"), { recursive: true });
  await mkdir(join(dir, "spool"), { recursive: true });
  const key = join(dir, "munge.key");
  await writeFile(key, randomBytes(1024));
  await chmod(key, 0o400);
  const socket = join(dir, "munge.socket");
  execFileSync(which("munged")!, [
    "--key-file",
    key,
    "--socket",
    socket,
    "--pid-file",
    join(dir, "munged.pid"),
    "--log-file",
    join(dir, "munged.log"),
    "--seed-file",
    join(dir, "munge.seed"),
    "--force",
  ]);
  const conf = join(dir, "slurm.conf");
  await writeFile(
    conf,
    [
      "ClusterName=labtest",
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "SchedulerType=sched/builtin",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      "MpiDefault=none",
      "ReturnToService=2",
      "SlurmdParameters=config_overrides",
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
      `PartitionName=lab Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  execFileSync(which("slurmctld")!, ["-i", "-c"], { env });
  execFileSync(which("slurmd")!, [], { env });
  const pids = async () =>
    Promise.all(
      ["slurmd.pid", "slurmctld.pid", "munged.pid"].map((f) =>
        readFile(join(dir, f), "utf8").then(
          (s) => Number(s.trim()),
          () => 0,
        ),
      ),
    );
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** SIGTERM to each daemon, then waits (up to 10 s) until they are gone: slurmctld writes its state on the way out. */
  const stop = async () => {
    const running = (await pids()).filter((pid) => pid > 0);
    for (const pid of running) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    for (let i = 0; i < 100 && running.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  };
  for (let i = 0; i < 60; i++) {
    const out = spawnSync(which("sinfo")!, ["-h", "-o", "%t"], { env, encoding: "utf8" }).stdout.trim();
    if (out === "idle") return { conf, node, env, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  const log = await readFile(join(dir, "slurmctld.log"), "utf8").catch(() => "");
  await stop();
  throw new Error(`the one-node Slurm cluster did not become idle in 30 s; slurmctld.log ends: ${log.slice(-500)}`);
}
