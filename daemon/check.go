package daemon

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CheckAWS asks STS who the configured credentials are, proving that AWS
// (or the configured endpoint) answers and the credentials work.
func CheckAWS(ctx context.Context, env *Env) error {
	if env == nil {
		return fmt.Errorf("check aws: no configuration loaded")
	}
	if _, err := sts.NewFromConfig(env.Base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		return fmt.Errorf("check aws credentials: %w", err)
	}
	return nil
}
