package audit

import "strings"

// checkS3PublicAccess: buckets are not public and block public access,
// unless tagged as serving public assets (the public_assets tag key,
// PublicAssets=true by default). A bucket is public when S3 judges its
// policy public or its ACL grants everyone (or every AWS account) access
// that Block Public Access does not make S3 ignore. A bucket no longer
// used stays, emptied and private, rather than deleted (AWS
// recommendations, "S3": someone else could take its name).
func checkS3PublicAccess() Check {
	return Check{
		ID:       "security.s3-block-public-access",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "S3 buckets are not public and block public access",
		Kinds:    []Kind{KindS3Bucket},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, b := range inv.Buckets {
				out = append(out, bucketPublicAccess(r, inv, b))
			}
			return out
		},
	}
}

func bucketPublicAccess(r *Rules, inv *Inventory, b Bucket) Finding {
	if v, ok := b.Tags[r.Keys.PublicAssets]; ok && strings.EqualFold(strings.TrimSpace(v), "true") {
		return r.notApplicable(inv, b.Resource, "serves public assets (%s=%s)", r.Keys.PublicAssets, v)
	}
	var public []string
	if b.PolicyPublic && (b.Block == nil || !b.Block.RestrictPublicBuckets) {
		public = append(public, "its bucket policy is public")
	}
	if len(b.PublicGrants) > 0 && (b.Block == nil || !b.Block.IgnorePublicAcls) {
		public = append(public, "its ACL grants "+strings.Join(b.PublicGrants, ", "))
	}
	if len(public) > 0 {
		return r.fail(inv, b.Resource, "public: %s (tag %s=true if it serves public assets)", strings.Join(public, "; "), r.Keys.PublicAssets)
	}
	if b.Block == nil {
		return r.fail(inv, b.Resource, "has no Block Public Access configuration")
	}
	var off []string
	for _, s := range []struct {
		name string
		on   bool
	}{
		{"BlockPublicAcls", b.Block.BlockPublicAcls},
		{"IgnorePublicAcls", b.Block.IgnorePublicAcls},
		{"BlockPublicPolicy", b.Block.BlockPublicPolicy},
		{"RestrictPublicBuckets", b.Block.RestrictPublicBuckets},
	} {
		if !s.on {
			off = append(off, s.name)
		}
	}
	if len(off) > 0 {
		return r.fail(inv, b.Resource, "Block Public Access is not fully on: %s off", strings.Join(off, ", "))
	}
	return r.pass(inv, b.Resource, "Block Public Access fully on")
}
