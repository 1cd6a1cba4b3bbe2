#!/usr/bin/env bash
# A one-node Slurm cluster on localhost for the tests, from Debian 12's slurm-wlm and munge,
# run as root without systemd; everything (keys, sockets, state, logs, pids) in one directory.
#
#   tests/slurm/cluster.sh start DIR   starts munged, slurmctld and slurmd, waits for the node to
#                                      be idle, writes DIR/env (source it: SLURM_CONF) and
#                                      DIR/pids (one "name pid" a line)
#   tests/slurm/cluster.sh stop DIR    stops what DIR/pids lists, by process id, and waits
#
# Facts this relies on (measured on Debian 12, slurm-wlm 22.05):
# - munged refuses the packaged key when run as root: a fresh key is made with mungekey;
#   its socket directory must be 0755;
# - clients (sbatch, squeue, scancel) need SLURM_CONF exported;
# - proctrack/linuxproc and task/none: with proctrack/cgroup (no systemd, no delegated cgroup)
#   jobs run nothing and are still reported COMPLETED;
# - RealMemory must not exceed what `slurmd -C` reports or the node is drained;
# - ports: the first free pair from 16817/16818 up, so a packaged cluster on 6817/6818 and
#   another test run's cluster are left alone (JIXIAO_SLURM_PORT_BASE=N uses N and N+1).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

stop() {
  [ -f "$dir/pids" ] || return 0
  # Reverse order: slurmd, slurmctld, then munged (the daemons authenticate through it).
  tac "$dir/pids" | while read -r name pid; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        echo "cluster: $name ($pid) did not stop on TERM, killing" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  done
  rm -f "$dir/pids"
}

start() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "cluster: must run as root (munged and slurmd)" >&2
    exit 2
  fi
  for b in munged mungekey slurmctld slurmd sbatch sinfo; do
    command -v "$b" >/dev/null || {
      echo "cluster: $b missing: install slurm-wlm and munge (scripts/setup.sh slurm-wlm munge)" >&2
      exit 2
    }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local base=${JIXIAO_SLURM_PORT_BASE:-}
  if [ -z "$base" ]; then
    # The first pair of ports from 16817 nothing listens on, so two test runs on one machine
    # (two worktrees) each get their own cluster.
    for p in $(seq 16817 2 16899); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
        base=$p
        break
      fi
    done
    [ -n "$base" ] || { echo "cluster: no free port pair in 16817-16900" >&2; exit 1; }
  fi
  local m="$dir/munge" s="$dir/slurm"
  mkdir -p "$m/run" "$s/state" "$s/spool" "$s/log"
  chmod 0755 "$dir" "$m" "$m/run"
  chmod 0755 "$dir"
  [ -f "$m/munge.key" ] || mungekey -c -k "$m/munge.key"
  chmod 0600 "$m/munge.key"

  : >"$dir/pids"
  munged -F -f --key-file="$m/munge.key" --socket="$m/run/munge.socket.2" \
    --pid-file="$m/run/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed" \
    >>"$m/munged.out" 2>&1 &
  echo "munged $!" >>"$dir/pids"
  for _ in $(seq 1 50); do
    [ -S "$m/run/munge.socket.2" ] && break
    sleep 0.1
  done
  [ -S "$m/run/munge.socket.2" ] || { echo "cluster: munged did not start:" >&2; cat "$m/munged.out" "$m/munged.log" >&2 2>/dev/null; stop; exit 1; }

  local node mem cpus host
  host=$(hostname -s)
  node=$(slurmd -C | head -1)
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node")
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
  cat >"$s/slurm.conf" <<EOF
ClusterName=jixiao-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$m/run/munge.socket.2
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$s/slurm.conf"
  echo "export SLURM_CONF=$s/slurm.conf" >"$dir/env"
  slurmctld -D -i -f "$SLURM_CONF" >>"$s/log/slurmctld.out" 2>&1 &
  echo "slurmctld $!" >>"$dir/pids"
  slurmd -D -f "$SLURM_CONF" >>"$s/log/slurmd.out" 2>&1 &
  echo "slurmd $!" >>"$dir/pids"
  local state=""
  for _ in $(seq 1 100); do
    state=$(sinfo -h -N -o %T 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && break
    sleep 0.2
  done
  if [ "$state" != idle ]; then
    echo "cluster: node not idle after 20 s (state: '${state:-none}'); logs in $s/log:" >&2
    tail -n 20 "$s"/log/* >&2 || true
    stop
    exit 1
  fi
  echo "cluster: up ($host, $cpus CPUs, $mem MB, ports $base-$((base + 1))); SLURM_CONF=$SLURM_CONF"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
