#!/usr/bin/env bash
# A throw-away one-node Ceph cluster with radosgw (the S3 API) on loopback, for tests and local trials.
#
#   ceph-s3.sh start DIR S3_PORT MON_PORT [OWNER_PID]
#                                           bootstrap a cluster in DIR (absent, or holding only lock and leases/) and
#                                           write DIR/s3.env (endpoint=, access_key=, secret_key=, start_ms=), also
#                                           printed; OWNER_PID (default: the caller's parent) gets the first lease
#   ceph-s3.sh stop DIR                     stop every daemon (and the watcher) whose pid file is in DIR/run
#   ceph-s3.sh watch DIR                    (started by `start`) stop the cluster once DIR/leases/ holds no file
#                                           named after a live process id; checks under DIR/lock (flock)
#
# One monitor, one OSD on memstore (RAM: nothing to format, nothing left on disk), no manager (radosgw does not need
# one) and no cephx: every daemon binds to 127.0.0.1 only and lives for one test run. Pools are size 1.
set -euo pipefail

cmd=${1:?usage: ceph-s3.sh start DIR S3_PORT MON_PORT | stop DIR | watch DIR}
dir=$(realpath -m "${2:?DIR missing}")

pids() {
  local f
  for f in "$dir"/run/*.pid; do
    [[ -e $f && $(basename "$f") != watch.pid ]] || continue
    cat "$f" 2>/dev/null || true
  done
}

stop_daemons() {
  # SIGKILL straight away: nothing here is worth keeping, and a memstore OSD told to stop first copies its RAM to disk.
  local pid
  for pid in $(pids); do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$dir"/run/*.pid "$dir/s3.env"
}

case $cmd in
stop)
  if [[ -e $dir/run/watch.pid ]]; then
    kill "$(cat "$dir/run/watch.pid")" 2>/dev/null || true
    rm -f "$dir/run/watch.pid"
  fi
  stop_daemons
  exit 0
  ;;
watch)
  # Test processes take a lease (a file named after their pid) under the lock; the last one to exit ends the run.
  while sleep 2; do
    exec 9>>"$dir/lock"
    flock -x 9
    live=0
    for lease in "$dir"/leases/*; do
      [[ -e $lease ]] || continue
      if kill -0 "$(basename "$lease")" 2>/dev/null; then live=1; else rm -f "$lease"; fi
    done
    if [[ $live == 0 ]]; then
      stop_daemons
      rm -f "$dir/run/watch.pid"
      exit 0
    fi
    exec 9>&-
  done
  ;;
start) ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac

s3_port=${3:?S3_PORT missing}
mon_port=${4:?MON_PORT missing}
owner=${5:-$PPID}
mkdir -p "$dir"
if [[ -n $(ls -A "$dir" | grep -v -x -e lock -e leases) ]]; then
  echo "$dir is not empty" >&2
  exit 2
fi
mkdir -p "$dir"/{mon.a,osd.0,rgw,run,log,leases}
conf=$dir/ceph.conf
fsid=$(cat /proc/sys/kernel/random/uuid)
started=$(date +%s%N)
phase() { [[ -z ${CEPH_S3_TRACE:-} ]] || echo "$(( ($(date +%s%N) - started) / 1000000 )) ms $1" >&2; }

cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# With no cephx there is no session key, and radosgw asks for "secure" monitor sessions by default: it would hang.
ms mon client mode = crc
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
# radosgw makes its pools one monitor command at a time, and each waits for a Paxos round (1 s by default):
# a lone monitor has nothing to batch, so rounds go out at once (start-up 12 s -> under 2 s).
paxos propose interval = 0.01
paxos min wait = 0.01
osd crush chooseleaf type = 0
[mon]
mon data = $dir/mon.\$id
mon cluster log file = $dir/log/cluster.log
[osd]
osd data = $dir/osd.\$id
osd objectstore = memstore
memstore device bytes = 2147483648
[client.rgw]
rgw data = $dir/rgw
rgw frontends = beast endpoint=127.0.0.1:$s3_port
CONF

# Daemons fork and keep running: none may hold the caller's stdout/stderr open, or a caller reading to the end waits forever.
monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" </dev/null >>"$dir/log/mkfs.log" 2>&1
ceph-mon -c "$conf" -i a </dev/null >>"$dir/log/daemons.log" 2>&1
phase mon

osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(ceph -c "$conf" --connect-timeout 30 osd new "$osd_uuid" 2>>"$dir/log/mkfs.log")
ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" </dev/null >>"$dir/log/mkfs.log" 2>&1
ceph-osd -c "$conf" -i "$osd_id" </dev/null >>"$dir/log/daemons.log" 2>&1
phase osd

radosgw -c "$conf" -n client.rgw </dev/null >>"$dir/log/daemons.log" 2>&1
phase rgw-started

# radosgw listens only once its pools exist, which needs the OSD up.
ready=0
for _ in $(seq 1200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null; then ready=1; break; fi
  sleep 0.05
done
if [[ $ready == 0 ]]; then
  echo "radosgw did not listen on 127.0.0.1:$s3_port within 60 s; logs in $dir/log" >&2
  exit 1
fi
phase rgw-listens

access=IOT$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
secret=$(head -c 30 /dev/urandom | od -An -tx1 | tr -d ' \n')
# As client.admin: client.rgw's admin socket belongs to the running gateway.
radosgw-admin -c "$conf" -n client.admin user create --uid=iot-test --display-name=iot-test \
  --access-key="$access" --secret-key="$secret" </dev/null >>"$dir/log/mkfs.log" 2>&1
phase user

touch "$dir/leases/$owner"
setsid bash "$0" watch "$dir" </dev/null >>"$dir/log/watch.log" 2>&1 &
echo $! > "$dir/run/watch.pid"

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
{
  echo "endpoint=http://127.0.0.1:$s3_port"
  echo "access_key=$access"
  echo "secret_key=$secret"
  echo "start_ms=$elapsed_ms"
} > "$dir/s3.env.tmp"
mv "$dir/s3.env.tmp" "$dir/s3.env"
cat "$dir/s3.env"
