#!/usr/bin/env bash
# make demo: start the AWS emulator on loopback, seed a small estate, and
# run opsd's services on it at fixed times, showing the plan, what opsd did
# and what it told people:
#   - shutdown: Tuesday 24 November 2026 at 19:05 Europe/London, then
#     Wednesday morning at 07:05;
#   - patching: Wednesday at 07:10, when the 02:00 TOSCAN scan is due: the
#     scan and its alert;
#   - backup: at the real time (moto dates what it creates by the real
#     clock): enforcement, the audit and PITR, then a second run that has
#     nothing to change;
#   - dlq: at the real time: the arrival alert for orders-dlq, the archive
#     of its messages in S3, and a dry-run replay.
#
# The emulator is moto_server behind demo/emulator, which answers the SSM
# and AWS Backup operations moto lacks and forwards everything else. The
# demo exits non-zero as soon as a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir=.demo
rm -rf "$workdir" && mkdir -p "$workdir"
"${GO:-go}" build -o "$workdir/emulator" ./demo/emulator

# Two distinct free loopback ports: moto's and the emulator's.
read -r moto_port emulator_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
moto_server -H 127.0.0.1 -p "$moto_port" >"$workdir/moto.log" 2>&1 &
moto=$!
emulator=
trap 'kill $emulator $moto 2>/dev/null || true' EXIT
"$workdir/emulator" --listen "127.0.0.1:$emulator_port" --upstream "http://127.0.0.1:$moto_port" 2>"$workdir/emulator.log" &
emulator=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$emulator_port" AWS_DEFAULT_REGION=eu-west-2
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_PAGER=""
# moto answers through the emulator once both are up.
python3 - "$AWS_ENDPOINT_URL" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1); break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("demo: moto_server or the emulator did not start (see .demo/moto.log, .demo/emulator.log)")
PY

# opsd LOG ARGS...: runs bin/opsd ARGS with the demo configuration, its
# report on stdout and its JSON log in $workdir/LOG; a failure shows the
# end of the log and stops the demo.
opsd() {
  local log=$workdir/$1; shift
  if ! bin/opsd "$@" --config "$workdir/opsd.yaml" 2>"$log" | tee "$workdir/last.out"; then
    echo "demo: 'opsd $*' failed; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

# expect TEXT: stops the demo unless the last opsd report contains TEXT.
expect() {
  grep -qF -- "$1" "$workdir/last.out" || { echo "demo: expected \"$1\" in opsd's report" >&2; exit 1; }
}

aws() { command aws --output table "$@"; }

echo "### The estate (moto_server behind the demo emulator at $AWS_ENDPOINT_URL)"
demo/seed.sh

cat >"$workdir/opsd.yaml" <<YAML
aws:
  regions: [eu-west-2]
  endpoint_url: $AWS_ENDPOINT_URL
shutdown:
  enabled: true
patching:
  enabled: true
  poll_interval: 1s # the emulator's commands finish at once
backup:
  enabled: true
dlq:
  enabled: true
  archive:
    bucket: opsd-dlq-archive
    when: arrival   # archive as soon as a message lands (the default waits until shortly before it would expire)
    wait_time: 1s
state:
  path: $PWD/$workdir/state.db   # what opsd told, kept between its runs
YAML

echo
echo "### opsd plan --only shutdown --now 2026-11-24T19:05:00Z (Tuesday evening; changes nothing)"
opsd plan.log plan --only shutdown --now 2026-11-24T19:05:00Z

echo
echo "### opsd run --once --only shutdown --now 2026-11-24T19:05:00Z (Tuesday evening)"
opsd evening.log run --once --only shutdown --now 2026-11-24T19:05:00Z
expect "Overnight shutdown: stopped 4"

echo
echo "### Instance states after the evening run"
aws ec2 describe-instances --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[].Instances[].{Id:InstanceId,Name:Tags[?Key==`Name`]|[0].Value,State:State.Name,LastAction:Tags[?Key==`opsd:shutdown:last-action`]|[0].Value||`-`}'
aws autoscaling describe-auto-scaling-groups \
  --query 'AutoScalingGroups[].{Group:AutoScalingGroupName,Min:MinSize,Max:MaxSize,Desired:DesiredCapacity}'
aws rds describe-db-instances --query 'DBInstances[].{Database:DBInstanceIdentifier,Status:DBInstanceStatus}'

echo
echo "### opsd explain dev-api --now 2026-11-24T19:10:00Z (one instance, for the team that owns it; changes nothing)"
opsd explain.log explain dev-api --now 2026-11-24T19:10:00Z
expect "the off period ends: opsd starts it"

echo
echo "### opsd run --once --only shutdown --now 2026-11-25T07:05:00Z (Wednesday morning)"
opsd morning.log run --once --only shutdown --now 2026-11-25T07:05:00Z
expect "Overnight shutdown: stopped 0, started 4"

echo
echo "### opsd plan --only patching,backup --now 2026-11-25T07:10:00Z (changes nothing)"
opsd plan-patching-backup.log plan --only patching,backup --now 2026-11-25T07:10:00Z

echo
echo "### opsd run --once --only patching --now 2026-11-25T07:10:00Z (the 02:00 TOSCAN scan is due)"
echo "(the scan alert is the patching notification at the end, with its table)"
opsd patching.log run --once --only patching --now 2026-11-25T07:10:00Z
expect "Patch scan Wed 25 Nov 02:00 GMT: 2 instances missing critical or important patches, 1 not scanned"
expect "not managed by SSM"

echo
echo "### The scan command in SSM, and what opsd recorded on the TOSCAN instances"
aws ssm list-commands --query 'Commands[].{Comment:Comment,Document:DocumentName,Instances:length(InstanceIds),Operation:Parameters.Operation[0]}'
aws ec2 describe-instances --filters Name=tag-key,Values=TOSCAN Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[].Instances[].{Id:InstanceId,Name:Tags[?Key==`Name`]|[0].Value,ScanReported:Tags[?Key==`opsd:patching:scan-reported`]|[0].Value||`-`}'

echo
echo "### opsd run --once --only backup (at the real time)"
echo "(enforcement: a vault, vault lock, plan and selection per BackupPolicy; then PITR and the audit of untagged data stores)"
opsd backup.log run --once --only backup
expect "Backup enforcement: 21 changed, 0 failed"
expect "Backup audit"

echo
echo "### AWS Backup after the run"
aws backup list-backup-vaults --query 'BackupVaultList[].{Vault:BackupVaultName,Locked:Locked,MinRetentionDays:MinRetentionDays}'
plans=$(command aws backup list-backup-plans --output text --query 'BackupPlansList[].[BackupPlanName,BackupPlanId]' | sort)
printf '  %-14s %-14s %s\n' Plan Selection Selects
while read -r name plan; do
  selections=$(command aws backup list-backup-selections --backup-plan-id "$plan" --output text --query 'BackupSelectionsList[].SelectionId')
  for sel in $selections; do
    row=$(command aws backup get-backup-selection --backup-plan-id "$plan" --selection-id "$sel" --output text \
      --query '[BackupSelection.SelectionName,BackupSelection.Conditions.StringEquals[0].ConditionKey,BackupSelection.Conditions.StringEquals[0].ConditionValue]')
    read -r selection key value <<<"$row"
    printf '  %-14s %-14s %s = %s\n' "$name" "$selection" "$key" "$value"
  done
done <<<"$plans"
echo "orders point-in-time recovery: $(command aws dynamodb describe-continuous-backups --table-name orders --output text \
  --query 'ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus')"

echo
echo "### opsd run --once --only backup, again: nothing left to change"
echo "(a new process: it reads what the last run told from its state file, so the audit is not told again)"
opsd backup-again.log run --once --only backup
expect "== backup: 0 done, 0 failed"
if grep -qF "Backup audit" "$workdir/last.out"; then
  echo "demo: the second backup run told the audit again" >&2; exit 1
fi

echo
echo "### opsd dlq list (read-only)"
opsd dlq-list.log dlq list

echo
echo "### opsd run --once --only dlq (at the real time: the arrival alert, then the archive)"
opsd dlq.log run --once --only dlq
expect "DLQ: 3 messages in orders-dlq"
expect "archived 3 messages to s3://opsd-dlq-archive"

echo
echo "### The archive in S3, and the dead-letter queue after it"
aws s3api list-objects-v2 --bucket opsd-dlq-archive --query 'Contents[].{Key:Key,Size:Size}'
archived=$(command aws s3api list-objects-v2 --bucket opsd-dlq-archive --output text --query 'length(Contents)')
[ "$archived" = 3 ] || { echo "demo: expected 3 archived messages, found $archived" >&2; exit 1; }
opsd dlq-list-after.log dlq list

echo
echo "### opsd dlq replay --dry-run: what a replay to the orders queue would send"
opsd dlq-replay.log dlq replay --from s3://opsd-dlq-archive/dlq-archive/ --to orders --dry-run
expect "3 would send"

echo
echo "(opsd's JSON logs are in $workdir/*.log; the emulator's calls in $workdir/emulator.log)"
