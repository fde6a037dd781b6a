// Package awssim is a simulated AWS endpoint for opsd's scale tests and
// benchmarks: one in-process HTTP server on loopback that speaks the real
// AWS wire protocols, so the real SDK v2 clients, and the real opsd binary
// pointed at it with aws.endpoint_url, work against it unchanged.
//
// It answers what opsd's shutdown and dlq services call:
//
//   - STS (query protocol): AssumeRole and GetCallerIdentity. The access
//     key id of every credential encodes its account ([AccessKeyID]), so a
//     request signed with credentials from AssumeRole into
//     arn:aws:iam::222222222222:role/x is attributed to 222222222222. The
//     region is the SigV4 credential scope's.
//   - EC2 (EC2 query protocol): DescribeInstances with the filters opsd
//     sends and EC2's MaxResults/NextToken paging, StopInstances,
//     StartInstances, CreateTags and DeleteTags.
//   - Auto Scaling DescribeAutoScalingGroups, RDS DescribeDBInstances and
//     DescribeDBClusters, ECS ListClusters, CloudWatch GetMetricStatistics and
//     DescribeAlarmsForMetric (AWS JSON 1.0, as opsd's dlq clients speak it
//     to a custom endpoint): empty answers.
//   - SQS (AWS JSON 1.0): ListQueues, GetQueueUrl, GetQueueAttributes,
//     ListQueueTags, SendMessage(Batch), ReceiveMessage with visibility
//     timeouts and long polling, DeleteMessageBatch and
//     ChangeMessageVisibilityBatch with Successful/Failed entries.
//   - S3 (REST XML, path-style): PutObject honouring If-None-Match: *,
//     GetObject, HeadObject, ListObjectsV2, GetBucketEncryption and
//     GetPublicAccessBlock.
//
// Every call waits a configurable latency (30 ms by default) and is charged
// to a token bucket per account, region and service when a limit is set;
// an empty bucket answers with the service's real throttling error (EC2
// RequestLimitExceeded 503, STS/Auto Scaling/RDS Throttling 400, SQS
// RequestThrottled 400, S3 SlowDown 503), which the SDK's retryer treats as
// a throttle. Every call is counted by operation and account ([Calls]).
//
// State is kept compact so that hundreds of thousands of instances and
// messages cost little: instances are a few bytes each and share their tag
// sets. Seed it directly ([Server.AddInstances], [Server.CreateQueue],
// [Server.SendMessages], [Server.CreateBucket]) and read it back
// ([Server.Instances], [Server.Objects], [Server.QueueDepth]).
//
// It is test and benchmark support only: nothing outside _test.go files
// imports it.
package awssim
