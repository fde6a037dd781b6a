// Package backup is the home of opsd's backup service: AWS Backup vaults,
// vault lock, plans and tag selections enforced per BackupPolicy, and the
// audit of untagged data stores. The service is not part of this version;
// enabling backup in the configuration is refused by check-config.
package backup
