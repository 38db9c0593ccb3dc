#!/usr/bin/env bash
# A one-node Slurm on this machine, for `curate run … --executor slurm` and its integration test:
# installs slurm-wlm and munge if missing, writes /etc/slurm/slurm.conf for localhost, and starts
# munged, slurmctld and slurmd (there is no systemd here: daemons are started by hand).
#
# Usage: scripts/slurm-local.sh [start|stop|status]   (default start; needs root)
set -euo pipefail

ACTION=${1:-start}
HOST=$(hostname -s)
CONF=/etc/slurm/slurm.conf

stop() {
    for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
}

case "$ACTION" in
    stop) stop; exit 0 ;;
    status) sinfo; exit 0 ;;
    start) ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
[ -f /etc/munge/munge.key ] || mungekey --create
CPUS=$(nproc)
MEMORY=$(free -m | awk '/^Mem:/ { print int($2 * 0.9) }')
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd
cat >"$CONF" <<CONFIG
# Written by curate's scripts/slurm-local.sh: one node, this machine.
ClusterName=curate-local
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
# A job depending on a failed one is cancelled instead of pending forever (the per-job
# --kill-on-invalid-dep=yes does the same); finished jobs stay visible to scontrol for an hour.
DependencyParameters=kill_invalid_depend
MinJobAge=3600
# Schedule as soon as a job ends (the main scheduler otherwise waits at least 2 s between passes, and a
# partitioned run is a chain of a dozen dependent jobs).
SchedulerParameters=sched_min_interval=100000,batch_sched_delay=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONFIG

if ! pgrep -x munged >/dev/null; then
    install -d -o munge -g munge /run/munge
    runuser -u munge -- /usr/sbin/munged
fi
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 1 100); do
    STATE=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    case "$STATE" in
        idle|mixed|allocated) echo "slurm: node $HOST $STATE ($CPUS CPUs, $MEMORY MB)"; exit 0 ;;
    esac
    sleep 0.2
done
echo "slurm: the node did not become idle; see /var/log/slurm* and 'sinfo -R'" >&2
exit 1
