#!/usr/bin/env bash
# Seeds a small estate into the emulator at $AWS_ENDPOINT_URL: EC2 instances
# in development, staging and production with the shutdown, patch and
# BackupPolicy tags, an Auto Scaling group, RDS instances, DynamoDB tables,
# an EBS volume and a dead-letter queue holding messages.
#
# The demo:* tags are read by the demo emulator (demo/emulator), not by
# opsd: they stand in for what SSM would know of an instance (demo:ssm=none:
# no SSM Agent; demo:platform; the patches a scan finds missing).
set -euo pipefail
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" --region "$AWS_DEFAULT_REGION" --output text "$@"; }

ami=$(aws ec2 describe-images --owners amazon --query 'Images[0].ImageId')

instance() { # name, then Key=Value tags (an empty value is allowed)
  local name=$1; shift
  local tags="{\"Key\":\"Name\",\"Value\":\"$name\"}"
  for kv in "$@"; do tags="$tags,{\"Key\":\"${kv%%=*}\",\"Value\":\"${kv#*=}\"}"; done
  aws ec2 run-instances --image-id "$ami" --instance-type t3.micro --count 1 \
    --tag-specifications "[{\"ResourceType\":\"instance\",\"Tags\":[$tags]}]" --query 'Instances[0].InstanceId'
}

show() { # id, description: fails the demo when the resource was not created
  [ -n "$1" ] && [ "$1" != None ] || { echo "demo: creating $2 failed" >&2; exit 1; }
  printf '  %-22s %s\n' "$1" "$2"
}

echo "EC2 instances:"
id=$(instance dev-api Environment=development OOOShutdown=true Application=api TeamEmail=api@example.org BackupPolicy=Dev \
  TOSCAN=true demo:platform=Ubuntu demo:missing-important=5)
show "$id" "dev-api (development, OOOShutdown=true; TOSCAN: Ubuntu, 5 important patches missing)"
id=$(instance stg-worker Environment=staging OutOfHoursShutdown= Application=worker BackupPolicy=Stg TOPATCH=true)
show "$id" "stg-worker (staging, OutOfHoursShutdown; TOPATCH)"
id=$(instance stg-batch Environment=stg WeekendShutdown= Application=batch BackupPolicy=Stg)
show "$id" "stg-batch (stg, WeekendShutdown)"
id=$(instance dev-build Environment=dev OOOShutdown=false Application=ci BackupPolicy=Dev)
show "$id" "dev-build (dev, OOOShutdown=false: opted out)"
id=$(instance dev-typo Environment=dev OOOShutdown=yes Application=api BackupPolicy=Dev)
show "$id" "dev-typo (dev, OOOShutdown=yes: malformed)"
id=$(instance prod-api Environment=production OOOShutdown=true Application=api BackupPolicy=Prod \
  TOSCAN=true TOPATCH=true demo:platform=Windows demo:missing-critical=2 demo:missing-important=3)
show "$id" "prod-api (production, OOOShutdown=true: never stopped; TOSCAN: Windows, 2 critical and 3 important missing)"
id=$(instance prod-web Environment=production Application=web BackupPolicy=Prod TOSCAN=true demo:platform=Ubuntu)
show "$id" "prod-web (production; TOSCAN: Ubuntu, fully patched)"
id=$(instance legacy-ftp Environment=production Application=ftp BackupPolicy=Prod TOSCAN=true demo:ssm=none)
show "$id" "legacy-ftp (production; TOSCAN, but no SSM Agent)"

echo "Auto Scaling group:"
aws ec2 create-launch-template --launch-template-name demo-web \
  --launch-template-data "{\"ImageId\":\"$ami\",\"InstanceType\":\"t3.micro\"}" >/dev/null
aws autoscaling create-auto-scaling-group --auto-scaling-group-name dev-web \
  --launch-template LaunchTemplateName=demo-web --min-size 1 --max-size 3 --desired-capacity 2 \
  --availability-zones "${AWS_DEFAULT_REGION}a" \
  --tags Key=Environment,Value=development,PropagateAtLaunch=true Key=OOOShutdown,Value=true,PropagateAtLaunch=true
echo "  dev-web (development, OOOShutdown=true, min 1 max 3 desired 2)"

echo "RDS instances:"
aws rds create-db-instance --db-instance-identifier dev-db --engine postgres --db-instance-class db.t3.micro \
  --master-username opsd --master-user-password demo-password-1 --allocated-storage 20 \
  --tags Key=Environment,Value=development Key=OOOShutdown,Value=true Key=BackupPolicy,Value=Dev >/dev/null
echo "  dev-db (development, OOOShutdown=true, BackupPolicy=Dev)"
aws rds create-db-instance --db-instance-identifier reports-db --engine postgres --db-instance-class db.t3.micro \
  --master-username opsd --master-user-password demo-password-1 --allocated-storage 20 \
  --tags Key=Environment,Value=production Key=TeamEmail,Value=reports@example.org Key=BackupPolicy,Value=prod >/dev/null
echo "  reports-db (production, BackupPolicy=prod: no such policy, values are case-sensitive)"

echo "DynamoDB tables:"
table() { # name, then Key=Value tags
  local name=$1; shift
  local tags=()
  for kv in "$@"; do tags+=("Key=${kv%%=*},Value=${kv#*=}"); done
  aws dynamodb create-table --table-name "$name" --attribute-definitions AttributeName=id,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST --tags "${tags[@]}" >/dev/null
}
table orders Environment=production BackupPolicy=Prod
echo "  orders (production, BackupPolicy=Prod, no point-in-time recovery)"
table sessions Environment=development Application=orders
echo "  sessions (development, no BackupPolicy tag)"

echo "EBS volume:"
id=$(aws ec2 create-volume --availability-zone "${AWS_DEFAULT_REGION}a" --size 10 \
  --tag-specifications 'ResourceType=volume,Tags=[{Key=Name,Value=scratch},{Key=TeamEmail,Value=data@example.org}]' --query VolumeId)
show "$id" "scratch (not attached, no BackupPolicy tag)"

echo "Dead-letter queue:"
dlq=$(aws sqs create-queue --queue-name orders-dlq --query QueueUrl)
dlq_arn=$(aws sqs get-queue-attributes --queue-url "$dlq" --attribute-names QueueArn --query 'Attributes.QueueArn')
aws sqs create-queue --queue-name orders \
  --attributes "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":\\\"3\\\"}\"}" >/dev/null
for i in 1 2 3; do aws sqs send-message --queue-url "$dlq" --message-body "{\"order\":$i}" >/dev/null; done
echo "  orders-dlq (3 messages; dead-letter queue of orders)"
aws s3api create-bucket --bucket opsd-dlq-archive --create-bucket-configuration LocationConstraint=eu-west-2 >/dev/null
aws s3api put-public-access-block --bucket opsd-dlq-archive \
  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
aws s3api put-bucket-encryption --bucket opsd-dlq-archive \
  --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
echo "  opsd-dlq-archive (S3 bucket for the DLQ archive: public access blocked, encrypted)"
