package audit

import "testing"

func TestS3BlockPublicAccess(t *testing.T) {
	app := prodTags("web")
	all := &PublicAccessBlock{true, true, true, true}
	runCheck(t, checkS3PublicAccess(), []checkCase{
		{name: "buckets", inv: Inventory{Buckets: []Bucket{
			{Resource: res(KindS3Bucket, "private", app), Block: all},
			{Resource: res(KindS3Bucket, "none", app)},
			{Resource: res(KindS3Bucket, "partial", app), Block: &PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true}},
			{Resource: res(KindS3Bucket, "assets", prodTags("web", "PublicAssets", "True"))},
			{Resource: res(KindS3Bucket, "not-assets", prodTags("web", "PublicAssets", "no"))},
		}}, want: map[string]want{
			"private":    {Pass, "fully on"},
			"none":       {Fail, "no Block Public Access configuration"},
			"partial":    {Fail, "BlockPublicPolicy, RestrictPublicBuckets off"},
			"assets":     {NotApplicable, "serves public assets (PublicAssets=True)"},
			"not-assets": {Fail, "no Block Public Access"},
		}},
	})
}
