package patching

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/opsd-dev/opsd/accounts"
)

// freeze writes the patch list of a cycle: the patches the first ring's
// patched instances had installed by the end of its window
// (DescribeInstancePatches), one YAML list per platform in the form
// AWS-RunPatchBaseline's InstallOverrideList reads, to S3.
func (s *Service) freeze(ctx context.Context, targets []accounts.Target, run Run, occ occurrence, now time.Time) (*PatchList, error) {
	if len(targets) == 0 {
		return nil, fmt.Errorf("freeze patch list: no account or region to read or write with")
	}
	byPlatform := map[Platform]map[string]string{}
	for _, t := range targets {
		c := s.deps.Clients(t.Config)
		invs, err := s.runInvocations(ctx, c, run, occ)
		if err != nil {
			return nil, &accounts.TargetError{Target: t, Err: err}
		}
		var patched []string
		for _, id := range sortedKeys(invs) {
			if invs[id].Status == "Success" {
				patched = append(patched, id)
			}
		}
		if len(patched) == 0 {
			continue
		}
		o := &Observation{Managed: map[string]Managed{}}
		for _, id := range patched {
			o.Instances = append(o.Instances, Instance{ID: id})
		}
		if err := (observer{c: c, p: s.planner}).managed(ctx, o); err != nil {
			return nil, &accounts.TargetError{Target: t, Err: err}
		}
		for _, id := range patched {
			m, ok := o.Managed[id]
			if !ok || m.Platform() == PlatformOther {
				continue
			}
			pf := m.Platform()
			if byPlatform[pf] == nil {
				byPlatform[pf] = map[string]string{}
			}
			if err := installedPatches(ctx, c.SSM, id, occ.End, byPlatform[pf]); err != nil {
				return nil, &accounts.TargetError{Target: t, Err: err}
			}
		}
	}
	list := &PatchList{Cycle: occ.Start, Frozen: now.UTC(), URLs: map[Platform]string{}, Patches: map[Platform][]string{}}
	cfg := targets[0].Config.Copy()
	if s.cfg.PatchListRegion != "" {
		cfg.Region = s.cfg.PatchListRegion
	}
	c := s.deps.Clients(cfg)
	for _, pf := range []Platform{PlatformUbuntu, PlatformWindows} {
		patches := byPlatform[pf]
		if len(patches) == 0 {
			continue
		}
		key := patchListKey(s.cfg.PatchListPrefix, occ.Start, pf)
		_, err := c.S3.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(s.cfg.PatchListBucket), Key: aws.String(key),
			Body: bytes.NewReader(overrideListYAML(patches)), ContentType: aws.String("application/yaml"),
		})
		if err != nil {
			return nil, fmt.Errorf("write patch list s3://%s/%s: %w", s.cfg.PatchListBucket, key, err)
		}
		list.URLs[pf] = "s3://" + s.cfg.PatchListBucket + "/" + key
		list.Patches[pf] = sortedKeys(patches)
		s.log.InfoContext(ctx, "patching list frozen", "cycle", cycleKey(occ.Start), "platform", string(pf), "patches", len(patches), "url", list.URLs[pf])
	}
	return list, nil
}

// patchListKey is where a cycle's list for a platform is written:
// PREFIX2026-11-12T02-00Z/ubuntu.yaml.
func patchListKey(prefix string, cycle time.Time, pf Platform) string {
	return prefix + strings.ReplaceAll(cycleKey(cycle), ":", "-") + "/" + strings.ToLower(string(pf)) + ".yaml"
}

// overrideListYAML writes patches (id → title) as an InstallOverrideList:
//
//	patches:
//	  - id: 'KB5034439'
//	    title: '2024-01 Security Update'
func overrideListYAML(patches map[string]string) []byte {
	var b strings.Builder
	b.WriteString("patches:\n")
	ids := make([]string, 0, len(patches))
	for id := range patches {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString("  - id: " + yamlQuote(id) + "\n")
		if t := patches[id]; t != "" {
			b.WriteString("    title: " + yamlQuote(t) + "\n")
		}
	}
	return []byte(b.String())
}

// yamlQuote writes s as a single-quoted YAML scalar.
func yamlQuote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
