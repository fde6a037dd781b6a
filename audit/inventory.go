package audit

import (
	"slices"
	"sort"
)

// Kind is a kind of resource the checks look at.
type Kind string

// The kinds of resource assessed.
const (
	KindRDSInstance Kind = "rds-instance"
	KindRDSCluster  Kind = "rds-cluster"
	KindSNSTopic    Kind = "sns-topic"
	KindOpenSearch  Kind = "opensearch-domain"
	KindS3Bucket    Kind = "s3-bucket"
	KindMSKCluster  Kind = "msk-cluster"
	KindDynamoDB    Kind = "dynamodb-table"
	KindRedshift    Kind = "redshift-cluster"
	KindRestAPI     Kind = "api-gateway-rest-api"
	KindLambda      Kind = "lambda-function"
	KindLogGroup    Kind = "log-group"
	KindSQSQueue    Kind = "sqs-queue"
	KindEFS         Kind = "efs-file-system"
	KindEC2Instance Kind = "ec2-instance"
	KindASG         Kind = "auto-scaling-group"
	// KindSecurityGroup is an EC2 (VPC) security group.
	KindSecurityGroup Kind = "security-group"
	// KindClassicELB is a Classic Load Balancer.
	KindClassicELB Kind = "classic-load-balancer"
	// KindLoadBalancer is an Application, Network or Gateway Load Balancer.
	KindLoadBalancer Kind = "load-balancer"
	// KindRestoreTests is the restore tests of one backup policy's
	// resources of one application.
	KindRestoreTests Kind = "backup-restore-tests"
)

// Source is one collector: the AWS service (or part of one) it lists.
type Source string

// The collectors.
const (
	SourceRDS         Source = "rds"
	SourceSNS         Source = "sns"
	SourceOpenSearch  Source = "opensearch"
	SourceS3          Source = "s3"
	SourceMSK         Source = "msk"
	SourceDynamoDB    Source = "dynamodb"
	SourceRedshift    Source = "redshift"
	SourceAPIGateway  Source = "apigateway"
	SourceLambda      Source = "lambda"
	SourceNetwork     Source = "network"
	SourceEC2         Source = "ec2"
	SourceAutoScaling Source = "autoscaling"
	SourceCloudWatch  Source = "cloudwatch"
	SourceSynthetics  Source = "synthetics"
	SourceLogs        Source = "logs"
	SourceSQS         Source = "sqs"
	SourceEFS         Source = "efs"
	// SourceZones lists the region's availability zones.
	SourceZones Source = "zones"
	// SourceSecurityGroups lists security groups and the network
	// interfaces that use them.
	SourceSecurityGroups Source = "security-groups"
	// SourceELB lists Classic Load Balancers.
	SourceELB Source = "elb"
	// SourceELBv2 lists Application, Network and Gateway Load Balancers.
	SourceELBv2 Source = "elbv2"
	// SourceRestoreTests lists AWS Backup restore testing plans and
	// their restore jobs.
	SourceRestoreTests Source = "restore-tests"
)

// sourceOf returns the collector that lists resources of kind k.
func sourceOf(k Kind) Source {
	switch k {
	case KindRDSInstance, KindRDSCluster:
		return SourceRDS
	case KindSNSTopic:
		return SourceSNS
	case KindOpenSearch:
		return SourceOpenSearch
	case KindS3Bucket:
		return SourceS3
	case KindMSKCluster:
		return SourceMSK
	case KindDynamoDB:
		return SourceDynamoDB
	case KindRedshift:
		return SourceRedshift
	case KindRestAPI:
		return SourceAPIGateway
	case KindLambda:
		return SourceLambda
	case KindLogGroup:
		return SourceLogs
	case KindSQSQueue:
		return SourceSQS
	case KindEFS:
		return SourceEFS
	case KindEC2Instance:
		return SourceEC2
	case KindASG:
		return SourceAutoScaling
	case KindSecurityGroup:
		return SourceSecurityGroups
	case KindClassicELB:
		return SourceELB
	case KindLoadBalancer:
		return SourceELBv2
	case KindCertificate:
		return SourceACM
	case KindRestoreTests:
		return SourceRestoreTests
	case KindMonitoredInstances:
		return SourceMonitorCoverage
	}
	return ""
}

// Resource is what every assessed resource has.
type Resource struct {
	Kind Kind
	// ID identifies the resource within its account and region (a name,
	// an identifier or, for SQS, the queue name).
	ID string
	// Name is a friendlier name when the ID is not one (an API's name).
	Name string
	// ARN is the resource's ARN when known.
	ARN string
	// Tags are the resource's tags.
	Tags map[string]string
	// Platform is the VPC a resource belongs to when it belongs to the
	// platform, not to an application (a VPC's default security group);
	// empty for an application's resource.
	Platform string
}

// Inventory is what one account and region holds, as far as the checks
// need it. Collectors fill it; checks only read it.
type Inventory struct {
	Account string
	Region  string

	DBInstances   []DBInstance
	DBClusters    []DBCluster
	Topics        []Topic
	SearchDomains []SearchDomain
	Buckets       []Bucket
	KafkaClusters []KafkaCluster
	Tables        []Table
	Warehouses    []Warehouse
	APIs          []RestAPI
	Functions     []Function
	Subnets       []Subnet
	Alarms        []Alarm
	Canaries      []Canary
	LogGroups     []LogGroup
	Queues        []Queue
	FileSystems   []FileSystem
	Instances     []Instance
	Groups        []Group
	// Zones are the region's available availability zones (zone type
	// availability-zone: no Local or Wavelength Zones).
	Zones          []string
	SecurityGroups []SecurityGroup
	LoadBalancers  []LoadBalancer
	Certificates   []Certificate
	// RestoreTests are the restore testing plans and restore jobs.
	RestoreTests RestoreTests
	// MonitorCoverage is the monitor service's coverage per application.
	MonitorCoverage MonitorCoverage

	// Failed holds the collectors that could not list their resources
	// here, with why. Their checks are reported as not assessed, never
	// passed.
	Failed map[Source]error
}

// DBInstance is an RDS (or DocumentDB, Neptune) DB instance.
type DBInstance struct {
	Resource
	Engine             string
	Encrypted          bool
	PubliclyAccessible bool
	// VPC and Subnets are those of its DB subnet group.
	VPC     string
	Subnets []string
	AZ      string
	// SecondaryAZ is a Multi-AZ instance's standby's AZ.
	SecondaryAZ string
	MultiAZ     bool
	// Cluster is the DB cluster the instance belongs to, if any.
	Cluster string
	// ReplicaOf is the source of a read replica.
	ReplicaOf string
	// Replicas are the instance's read replicas (identifiers or ARNs).
	Replicas []string
	// Endpoint is the instance's DNS address.
	Endpoint string
	// BackupRetentionDays is the instance's BackupRetentionPeriod: how
	// many days RDS keeps its automated backups; 0 turns them off (no
	// point-in-time restore). BackupRetentionKnown says it was returned.
	BackupRetentionDays  int
	BackupRetentionKnown bool
}

// DBCluster is an Aurora or Multi-AZ DB cluster.
type DBCluster struct {
	Resource
	Engine     string
	EngineMode string
	Encrypted  bool
	MultiAZ    bool
	// Members are the cluster's DB instances.
	Members []ClusterMember
	// Replicas are read replica clusters or instances.
	Replicas []string
	// Endpoints are the writer and reader DNS addresses.
	Endpoints []string
}

// ClusterMember is one DB instance of a cluster.
type ClusterMember struct {
	ID     string
	Writer bool
}

// Topic is an SNS topic.
type Topic struct {
	Resource
	// KMSKey is the topic's KmsMasterKeyId; empty = not encrypted.
	KMSKey string
	// FailureLogging lists the protocols whose delivery failures are
	// logged (a *FailureFeedbackRoleArn attribute is set).
	FailureLogging []string
}

// SearchDomain is an OpenSearch Service domain.
type SearchDomain struct {
	Resource
	EncryptedAtRest bool
	// VPC and Subnets are set for a domain in a VPC (a domain with
	// neither has a public endpoint).
	VPC     string
	Subnets []string
	// AZs is how many AZs the domain's nodes span.
	AZs int
}

// Bucket is an S3 bucket, assessed in the region it lives in.
type Bucket struct {
	Resource
	// Encryption is the default encryption algorithm (AES256, aws:kms,
	// aws:kms:dsse); empty when none is configured.
	Encryption string
	// Block is the bucket's Block Public Access configuration; nil when
	// the bucket has none.
	Block *PublicAccessBlock
	// PolicyPublic says S3 judges the bucket policy public
	// (GetBucketPolicyStatus); false when there is no policy.
	PolicyPublic bool
	// PublicGrants are the ACL's grants to everyone (AllUsers) or any AWS
	// account (AuthenticatedUsers), as "AllUsers:READ".
	PublicGrants []string
}

// PublicAccessBlock is an S3 Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// KafkaCluster is an Amazon MSK cluster.
type KafkaCluster struct {
	Resource
	Serverless bool
	// KMSKey is the data volumes' KMS key (provisioned clusters).
	KMSKey  string
	Subnets []string
}

// Table is a DynamoDB table.
type Table struct {
	Resource
	// SSEType is KMS for a KMS key (AWS managed or customer managed);
	// empty means the AWS owned key DynamoDB uses by default.
	SSEType string
	// SSEStatus is ENABLED, UPDATING, DISABLING, ... when SSEType is set.
	SSEStatus string
	PITR      bool
	GSIs      []string
	// Replicas are the regions of a global table's replicas.
	Replicas []string
}

// Warehouse is a Redshift provisioned cluster.
type Warehouse struct {
	Resource
	Encrypted          bool
	PubliclyAccessible bool
	MultiAZ            bool
	AZ                 string
	VPC                string
}

// RestAPI is an API Gateway REST API.
type RestAPI struct {
	Resource
	Methods []APIMethod
	Stages  []APIStage
}

// APIMethod is one method of one resource path.
type APIMethod struct {
	Path              string
	HTTPMethod        string
	AuthorizationType string
}

// APIStage is one deployed stage.
type APIStage struct {
	Name    string
	Tracing bool
}

// Function is a Lambda function.
type Function struct {
	Resource
	// Policy is the resource-based policy document; empty when none.
	Policy  string
	VPC     string
	Subnets []string
	// Environment is the function's environment variables.
	Environment map[string]string
	// DeadLetterTarget is the ARN of its asynchronous-invocation DLQ.
	DeadLetterTarget string
	// LogGroup is where the function logs.
	LogGroup string
	// Runtime is the function's runtime identifier (nodejs20.x, ...);
	// empty for a container image (PackageType Image).
	Runtime     string
	PackageType string
}

// Subnet is a VPC subnet.
type Subnet struct {
	ID  string
	VPC string
	AZ  string
	// Public says the subnet's route table routes to an internet gateway;
	// Route names that route.
	Public bool
	Route  string
}

// Alarm is a CloudWatch metric alarm, reduced to the metrics it watches.
type Alarm struct {
	Name    string
	Metrics []MetricRef
}

// MetricRef is one metric an alarm watches.
type MetricRef struct {
	Namespace  string
	Name       string
	Dimensions map[string]string
}

// Canary is a CloudWatch Synthetics canary.
type Canary struct {
	Name  string
	Tags  map[string]string
	State string
	// Schedule is the schedule expression: rate(5 minutes), cron(...).
	Schedule string
}

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Resource
	// RetentionDays is 0 when events never expire.
	RetentionDays int
}

// Queue is an SQS queue.
type Queue struct {
	Resource
	// DeadLetterTarget is the ARN of the queue's redrive target.
	DeadLetterTarget string
	// WaitSeconds is the queue's ReceiveMessageWaitTimeSeconds: the
	// long-poll wait of a ReceiveMessage call that sets none; 0 is short
	// polling. WaitKnown says the attribute was returned.
	WaitSeconds int
	WaitKnown   bool
}

// FileSystem is an EFS file system.
type FileSystem struct {
	Resource
	Encrypted bool
	// OneZone is the AZ of a One Zone file system; empty when regional.
	OneZone string
}

// Instance is an EC2 instance that is not terminated.
type Instance struct {
	Resource
	AZ string
	// Group is the Auto Scaling group that launched it, if any.
	Group string
}

// Group is an EC2 Auto Scaling group.
type Group struct {
	Resource
	AZs []string
	// HealthCheckType is EC2, ELB, ... (a comma-separated list when the
	// group uses several).
	HealthCheckType string
	// TargetGroups, LoadBalancers (Classic) and TrafficSources are what
	// the group registers its instances with; a traffic source is
	// "type identifier" (elb, elbv2, vpc-lattice).
	TargetGroups   []string
	LoadBalancers  []string
	TrafficSources []string
	// Instances are the group's instances.
	Instances []string
}

// SecurityGroup is a VPC security group.
type SecurityGroup struct {
	Resource
	VPC     string
	Ingress []IngressRule
	// Interfaces are the network interfaces that use the group and do not
	// belong to a load balancer, as "eni-1 (i-1)".
	Interfaces []string
	// LBInterfaces counts the load balancers' network interfaces that use it.
	LBInterfaces int
}

// IngressRule is one inbound permission of a security group: a protocol
// ("-1" for all), a port range (-1 when the protocol has none) and the
// IPv4 and IPv6 ranges it admits.
type IngressRule struct {
	Protocol string
	FromPort int32
	ToPort   int32
	CIDRs    []string
}

// LoadBalancer is an Elastic Load Balancer.
type LoadBalancer struct {
	Resource
	// Type is classic, application, network or gateway.
	Type string
	// CrossZone is the cross-zone load balancing attribute (Classic,
	// Network and Gateway Load Balancers).
	CrossZone bool
	// Draining and DrainingTimeout are a Classic Load Balancer's
	// connection draining policy.
	Draining        bool
	DrainingTimeout int32
	SecurityGroups  []string
	// TargetGroups are an Application, Network or Gateway Load Balancer's
	// target groups.
	TargetGroups []TargetGroup
}

// TargetGroup is one target group of a load balancer, reduced to the
// attributes that override the load balancer's cross-zone setting and
// drain connections.
type TargetGroup struct {
	Name string
	// CrossZone is the target group's load_balancing.cross_zone.enabled:
	// "true", "false", or "use_load_balancer_configuration" (or empty)
	// to follow the load balancer.
	CrossZone string
	// DeregistrationDelay is deregistration_delay.timeout_seconds, the
	// time a deregistering target keeps its connections; -1 when not
	// returned.
	DeregistrationDelay int
}

// subnet returns the subnet with id.
func (inv *Inventory) subnet(id string) (Subnet, bool) {
	for _, s := range inv.Subnets {
		if s.ID == id {
			return s, true
		}
	}
	return Subnet{}, false
}

// zonesOf returns the distinct AZs of the subnets, sorted, and the
// subnets not in the inventory.
func (inv *Inventory) zonesOf(subnets []string) (zones, unknown []string) {
	for _, id := range subnets {
		s, ok := inv.subnet(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if !slices.Contains(zones, s.AZ) {
			zones = append(zones, s.AZ)
		}
	}
	sort.Strings(zones)
	return zones, unknown
}

// dbInstance returns the DB instance with id (an identifier or ARN).
func (inv *Inventory) dbInstance(id string) (DBInstance, bool) {
	for _, db := range inv.DBInstances {
		if db.ID == id || (db.ARN != "" && db.ARN == id) {
			return db, true
		}
	}
	return DBInstance{}, false
}

// failed returns why source could not be listed, or nil.
func (inv *Inventory) failed(s Source) error {
	if inv.Failed == nil {
		return nil
	}
	return inv.Failed[s]
}
