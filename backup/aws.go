package backup

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// BackupAPI is the part of AWS Backup the backup service calls.
type BackupAPI interface {
	DescribeBackupVault(ctx context.Context, in *backup.DescribeBackupVaultInput, optFns ...func(*backup.Options)) (*backup.DescribeBackupVaultOutput, error)
	CreateBackupVault(ctx context.Context, in *backup.CreateBackupVaultInput, optFns ...func(*backup.Options)) (*backup.CreateBackupVaultOutput, error)
	PutBackupVaultLockConfiguration(ctx context.Context, in *backup.PutBackupVaultLockConfigurationInput, optFns ...func(*backup.Options)) (*backup.PutBackupVaultLockConfigurationOutput, error)
	ListBackupPlans(ctx context.Context, in *backup.ListBackupPlansInput, optFns ...func(*backup.Options)) (*backup.ListBackupPlansOutput, error)
	ListTags(ctx context.Context, in *backup.ListTagsInput, optFns ...func(*backup.Options)) (*backup.ListTagsOutput, error)
	GetBackupPlan(ctx context.Context, in *backup.GetBackupPlanInput, optFns ...func(*backup.Options)) (*backup.GetBackupPlanOutput, error)
	CreateBackupPlan(ctx context.Context, in *backup.CreateBackupPlanInput, optFns ...func(*backup.Options)) (*backup.CreateBackupPlanOutput, error)
	UpdateBackupPlan(ctx context.Context, in *backup.UpdateBackupPlanInput, optFns ...func(*backup.Options)) (*backup.UpdateBackupPlanOutput, error)
	ListBackupSelections(ctx context.Context, in *backup.ListBackupSelectionsInput, optFns ...func(*backup.Options)) (*backup.ListBackupSelectionsOutput, error)
	GetBackupSelection(ctx context.Context, in *backup.GetBackupSelectionInput, optFns ...func(*backup.Options)) (*backup.GetBackupSelectionOutput, error)
	CreateBackupSelection(ctx context.Context, in *backup.CreateBackupSelectionInput, optFns ...func(*backup.Options)) (*backup.CreateBackupSelectionOutput, error)
	DeleteBackupSelection(ctx context.Context, in *backup.DeleteBackupSelectionInput, optFns ...func(*backup.Options)) (*backup.DeleteBackupSelectionOutput, error)
	ListBackupJobs(ctx context.Context, in *backup.ListBackupJobsInput, optFns ...func(*backup.Options)) (*backup.ListBackupJobsOutput, error)
	ListProtectedResources(ctx context.Context, in *backup.ListProtectedResourcesInput, optFns ...func(*backup.Options)) (*backup.ListProtectedResourcesOutput, error)
}

// RestoreTestingAPI is the part of AWS Backup restore testing the backup
// service calls: its plans and selections, their restore jobs, and the
// validation result of each.
type RestoreTestingAPI interface {
	ListRestoreTestingPlans(ctx context.Context, in *backup.ListRestoreTestingPlansInput, optFns ...func(*backup.Options)) (*backup.ListRestoreTestingPlansOutput, error)
	GetRestoreTestingPlan(ctx context.Context, in *backup.GetRestoreTestingPlanInput, optFns ...func(*backup.Options)) (*backup.GetRestoreTestingPlanOutput, error)
	CreateRestoreTestingPlan(ctx context.Context, in *backup.CreateRestoreTestingPlanInput, optFns ...func(*backup.Options)) (*backup.CreateRestoreTestingPlanOutput, error)
	UpdateRestoreTestingPlan(ctx context.Context, in *backup.UpdateRestoreTestingPlanInput, optFns ...func(*backup.Options)) (*backup.UpdateRestoreTestingPlanOutput, error)
	ListRestoreTestingSelections(ctx context.Context, in *backup.ListRestoreTestingSelectionsInput, optFns ...func(*backup.Options)) (*backup.ListRestoreTestingSelectionsOutput, error)
	GetRestoreTestingSelection(ctx context.Context, in *backup.GetRestoreTestingSelectionInput, optFns ...func(*backup.Options)) (*backup.GetRestoreTestingSelectionOutput, error)
	CreateRestoreTestingSelection(ctx context.Context, in *backup.CreateRestoreTestingSelectionInput, optFns ...func(*backup.Options)) (*backup.CreateRestoreTestingSelectionOutput, error)
	UpdateRestoreTestingSelection(ctx context.Context, in *backup.UpdateRestoreTestingSelectionInput, optFns ...func(*backup.Options)) (*backup.UpdateRestoreTestingSelectionOutput, error)
	ListRestoreJobs(ctx context.Context, in *backup.ListRestoreJobsInput, optFns ...func(*backup.Options)) (*backup.ListRestoreJobsOutput, error)
	PutRestoreValidationResult(ctx context.Context, in *backup.PutRestoreValidationResultInput, optFns ...func(*backup.Options)) (*backup.PutRestoreValidationResultOutput, error)
	ListTags(ctx context.Context, in *backup.ListTagsInput, optFns ...func(*backup.Options)) (*backup.ListTagsOutput, error)
}

// InstanceStatusAPI is the EC2 call the restore probe of an instance
// makes.
type InstanceStatusAPI interface {
	DescribeInstanceStatus(ctx context.Context, in *ec2.DescribeInstanceStatusInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstanceStatusOutput, error)
}

// MountTargetAPI is the EFS call the restore probe of a file system
// makes.
type MountTargetAPI interface {
	DescribeMountTargets(ctx context.Context, in *efs.DescribeMountTargetsInput, optFns ...func(*efs.Options)) (*efs.DescribeMountTargetsOutput, error)
}

// DynamoDBAPI is the part of DynamoDB the backup service calls.
type DynamoDBAPI interface {
	ListTables(ctx context.Context, in *dynamodb.ListTablesInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error)
	DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	UpdateContinuousBackups(ctx context.Context, in *dynamodb.UpdateContinuousBackupsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateContinuousBackupsOutput, error)
}

// EC2API is the part of EC2 the backup service calls.
type EC2API interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeVolumes(ctx context.Context, in *ec2.DescribeVolumesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error)
}

// RDSAPI is the part of RDS the backup service calls.
type RDSAPI interface {
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
}

// EFSAPI is the part of Amazon EFS the backup service calls.
type EFSAPI interface {
	DescribeFileSystems(ctx context.Context, in *efs.DescribeFileSystemsInput, optFns ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error)
}

var (
	_ BackupAPI   = (*backup.Client)(nil)
	_ DynamoDBAPI = (*dynamodb.Client)(nil)
	_ EC2API      = (*ec2.Client)(nil)
	_ RDSAPI      = (*rds.Client)(nil)
	_ EFSAPI      = (*efs.Client)(nil)

	_ RestoreTestingAPI = (*backup.Client)(nil)
	_ InstanceStatusAPI = (*ec2.Client)(nil)
	_ MountTargetAPI    = (*efs.Client)(nil)
)

// Clients are the AWS clients for one account and region.
type Clients struct {
	Backup   BackupAPI
	DynamoDB DynamoDBAPI
	EC2      EC2API
	RDS      RDSAPI
	EFS      EFSAPI
	// RestoreTesting, InstanceStatus and MountTargets are used only when
	// restore testing is enabled.
	RestoreTesting RestoreTestingAPI
	InstanceStatus InstanceStatusAPI
	MountTargets   MountTargetAPI
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients].
func NewClients(cfg aws.Config) Clients {
	b, e, f := backup.NewFromConfig(cfg), ec2.NewFromConfig(cfg), efs.NewFromConfig(cfg)
	return Clients{
		Backup:         b,
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		EC2:            e,
		RDS:            rds.NewFromConfig(cfg),
		EFS:            f,
		RestoreTesting: b,
		InstanceStatus: e,
		MountTargets:   f,
	}
}
