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
			{Resource: res(KindS3Bucket, "public-policy", app), PolicyPublic: true, Block: &PublicAccessBlock{BlockPublicAcls: true}},
			{Resource: res(KindS3Bucket, "public-acl", app), PublicGrants: []string{"AllUsers:READ"}},
			{Resource: res(KindS3Bucket, "public-assets", prodTags("web", "PublicAssets", "true")), PolicyPublic: true},
			{Resource: res(KindS3Bucket, "restricted", app), Block: all, PolicyPublic: true, PublicGrants: []string{"AuthenticatedUsers:READ"}},
		}}, want: map[string]want{
			"private":       {Pass, "fully on"},
			"none":          {Fail, "no Block Public Access configuration"},
			"partial":       {Fail, "BlockPublicPolicy, RestrictPublicBuckets off"},
			"assets":        {NotApplicable, "serves public assets (PublicAssets=True)"},
			"not-assets":    {Fail, "no Block Public Access"},
			"public-policy": {Fail, "public: its bucket policy is public (tag PublicAssets=true if it serves public assets)"},
			"public-acl":    {Fail, "public: its ACL grants AllUsers:READ"},
			"public-assets": {NotApplicable, "serves public assets"},
			"restricted":    {Pass, "fully on"},
		}},
	})
}
