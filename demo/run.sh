#!/usr/bin/env bash
# make demo: start the AWS emulator on loopback, seed a small estate, and
# run opsd once at a fixed weekday evening time (Tuesday 24 November 2026,
# 19:05 Europe/London), showing the plan, what opsd did and what it told
# people; then once more on Wednesday morning at 07:05.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir=.demo
rm -rf "$workdir" && mkdir -p "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$workdir/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_DEFAULT_REGION=eu-west-2
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_PAGER=""
python3 - "$AWS_ENDPOINT_URL" <<'PY'
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1); break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("demo: moto_server did not start")
PY

echo "### The estate (moto_server at $AWS_ENDPOINT_URL)"
demo/seed.sh

cat >"$workdir/opsd.yaml" <<YAML
aws:
  regions: [eu-west-2]
  endpoint_url: $AWS_ENDPOINT_URL
shutdown:
  enabled: true
YAML

echo
echo "### opsd plan --now 2026-11-24T19:05:00Z (Tuesday evening; changes nothing)"
bin/opsd plan --config "$workdir/opsd.yaml" --now 2026-11-24T19:05:00Z 2>"$workdir/plan.log"

echo
echo "### opsd run --once --now 2026-11-24T19:05:00Z (Tuesday evening)"
bin/opsd run --once --config "$workdir/opsd.yaml" --now 2026-11-24T19:05:00Z 2>"$workdir/evening.log"

echo
echo "### Instance states after the evening run"
aws ec2 describe-instances --output table \
  --query 'Reservations[].Instances[].{Name:Tags[?Key==`Name`]|[0].Value,State:State.Name,LastAction:Tags[?Key==`opsd:shutdown:last-action`]|[0].Value}'
aws autoscaling describe-auto-scaling-groups --output table \
  --query 'AutoScalingGroups[].{Group:AutoScalingGroupName,Min:MinSize,Max:MaxSize,Desired:DesiredCapacity}'
aws rds describe-db-instances --output table --query 'DBInstances[].{Database:DBInstanceIdentifier,Status:DBInstanceStatus}'

echo
echo "### opsd run --once --now 2026-11-25T07:05:00Z (Wednesday morning)"
bin/opsd run --once --config "$workdir/opsd.yaml" --now 2026-11-25T07:05:00Z 2>"$workdir/morning.log"
echo
echo "(opsd's JSON logs are in $workdir/*.log)"
