#!/usr/bin/env bash
# Submit the lab's profile as a Slurm job array: one task per node (--exclusive, so tasks
# land on different nodes while enough are idle), on each partition given, every task
# writing its run dir into one shared lab folder; then report over that folder:
#   slurm/submit-lab.sh --lab-dir /shared/lab --nodes 4 --partition cpu,gpu [--wait] [-- profile flags]
#   npm run report -- --lab /shared/lab
set -euo pipefail
usage() {
  cat >&2 <<'USAGE'
usage: slurm/submit-lab.sh --lab-dir <shared dir> [--nodes <n>] [--partition <p1,p2,...>] [--wait] [--sbatch "<extra sbatch flags>"] [-- <npm run profile flags>]
  --lab-dir    folder on a shared file system; each task writes <lab-dir>/<node>-<job>_<task>/runs/<run>
  --nodes      tasks (nodes) per partition, default 1
  --partition  comma-separated partitions, one job array each (default: the cluster's default partition)
  --wait       wait for the arrays to finish, then write the lab report (npm run report -- --lab <lab-dir>)
USAGE
  exit 2
}
lab_dir="" nodes=1 partitions="" wait=0 extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --lab-dir) lab_dir=${2:-}; shift 2 ;;
    --nodes) nodes=${2:-}; shift 2 ;;
    --partition) partitions=${2:-}; shift 2 ;;
    --wait) wait=1; shift ;;
    --sbatch) extra=${2:-}; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "Unknown option \"$1\". Expected one of: --lab-dir, --nodes, --partition, --wait, --sbatch, --" >&2; usage ;;
  esac
done
[ -n "$lab_dir" ] || { echo "--lab-dir is required" >&2; usage; }
case "$nodes" in ''|*[!0-9]*|0) echo "Invalid --nodes \"$nodes\": expected a positive integer" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
mkdir -p "$lab_dir"
lab_dir=$(cd "$lab_dir" && pwd)
script=slurm/profile-array.sbatch
jobs=()
IFS=',' read -r -a parts <<< "${partitions:-}"
[ ${#parts[@]} -gt 0 ] || parts=("")
for p in "${parts[@]}"; do
  # shellcheck disable=SC2086 # $extra holds several sbatch flags on purpose
  id=$(sbatch --parsable --array="0-$((nodes - 1))" --exclusive --output="$lab_dir/slurm-%A_%a.out" ${p:+--partition="$p"} $extra "$script" "$lab_dir" "$@")
  echo "submitted job array ${id%%;*}${p:+ on partition $p}: $nodes task(s) -> $lab_dir"
  jobs+=("${id%%;*}")
done
if [ "$wait" = 1 ]; then
  for j in "${jobs[@]}"; do
    while squeue -h -j "$j" 2>/dev/null | grep -q .; do sleep 2; done
  done
  exec node --import tsx cli/main.ts report --lab "$lab_dir"
fi
echo "when they finish: npm run report -- --lab $lab_dir"
