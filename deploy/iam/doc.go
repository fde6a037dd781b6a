// Package iam holds the least-privilege IAM policy opsd needs
// (opsd-policy.json), the trust policy of the role opsd assumes in each
// member account (member-role-trust.json), and a test that keeps the policy
// equal to the AWS operations the code calls.
//
// The test loads every package of the module, collects the AWS SDK
// operations it can call — the methods of each narrow SDK interface
// (asserted with `var _ EC2API = (*ec2.Client)(nil)` or declared), and any
// operation called directly — maps each to its IAM action, and fails
// listing the actions the policy is missing and those it allows but the
// code never calls.
package iam
