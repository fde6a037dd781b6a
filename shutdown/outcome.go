package shutdown

import (
	"encoding/binary"
	"sort"

	"github.com/opsd-dev/opsd/reconcile"
)

// outcome is what reconciling one account and region leaves once its
// resources are let go: its actions in resource order, packed, and, in
// Apply mode, its part of the summary.
type outcome struct {
	account, region string
	actions         *packer
	digest          *digest
	notices         []notice
}

// sortOutcomes orders outcomes by account and region, keeping target
// order among equals: with each outcome's actions in resource order, the
// result lists every action by account, region and resource.
func sortOutcomes(outs []outcome) {
	sort.SliceStable(outs, func(i, j int) bool {
		x, y := outs[i], outs[j]
		if x.account != y.account {
			return x.account < y.account
		}
		return x.region < y.region
	})
}

// joinSameTarget joins the outcomes, sorted, of each account and region
// listed more than once (an account configured twice): their actions and
// summary lines are merged by resource, as if one target had listed them
// all.
func joinSameTarget(outs []outcome) []outcome {
	joined := outs[:0]
	for from := 0; from < len(outs); {
		to := from + 1
		for to < len(outs) && outs[to].account == outs[from].account && outs[to].region == outs[from].region {
			to++
		}
		if to-from == 1 {
			joined = append(joined, outs[from])
			from = to
			continue
		}
		var actions []reconcile.Action
		var sum *digest
		var notices []notice
		for _, o := range outs[from:to] {
			actions = o.actions.appendTo(actions)
			notices = append(notices, o.notices...)
			if o.digest != nil {
				if sum == nil {
					sum = newDigest()
				}
				sum.merge(o.digest)
			}
		}
		sort.SliceStable(actions, func(i, j int) bool { return actions[i].Resource < actions[j].Resource })
		p := newPacker(len(actions))
		for _, a := range actions {
			p.add(a)
		}
		if sum != nil {
			sum.sortLines()
		}
		joined = append(joined, outcome{account: outs[from].account, region: outs[from].region, actions: p, digest: sum, notices: notices})
		from = to
	}
	return joined
}

// sortTasks orders one target's tasks by resource id, keeping decision
// order among equals.
func sortTasks(tasks []*task) {
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].r.ID < tasks[j].r.ID })
}

// packer holds one target's actions compactly until the result is
// assembled: across a fleet most resources are decided alike, so each
// distinct text and each distinct Details map is held once and an action
// is its resource and the indexes of the rest. Unpacked actions share
// their Details maps; none is changed once packed.
type packer struct {
	actions []packed
	texts   []string
	text    map[string]uint32
	details []map[string]string
	detail  map[string]uint32
	key     []byte
}

// packed is one action: its resource, and the rest as indexes into the
// packer's texts and details (0 for nil details, else index+1).
type packed struct {
	resource                                         string
	service, account, region, action, reason, status uint32
	err, details                                     uint32
}

func newPacker(n int) *packer {
	return &packer{actions: make([]packed, 0, n), text: map[string]uint32{}, detail: map[string]uint32{}}
}

// len is how many actions are packed.
func (p *packer) len() int {
	if p == nil {
		return 0
	}
	return len(p.actions)
}

// add packs a.
func (p *packer) add(a reconcile.Action) {
	p.actions = append(p.actions, packed{
		resource: a.Resource,
		service:  p.textIndex(a.Service), account: p.textIndex(a.Account), region: p.textIndex(a.Region),
		action: p.textIndex(a.Action), reason: p.textIndex(a.Reason), status: p.textIndex(string(a.Status)),
		err: p.textIndex(a.Error), details: p.detailsIndex(a.Details),
	})
}

// appendTo unpacks the actions onto dst, in the order they were added.
func (p *packer) appendTo(dst []reconcile.Action) []reconcile.Action {
	if p == nil {
		return dst
	}
	for _, a := range p.actions {
		var d map[string]string
		if a.details > 0 {
			d = p.details[a.details-1]
		}
		dst = append(dst, reconcile.Action{
			Service: p.texts[a.service], Account: p.texts[a.account], Region: p.texts[a.region],
			Resource: a.resource, Action: p.texts[a.action], Reason: p.texts[a.reason],
			Status: reconcile.Status(p.texts[a.status]), Error: p.texts[a.err], Details: d,
		})
	}
	return dst
}

func (p *packer) textIndex(s string) uint32 {
	if i, ok := p.text[s]; ok {
		return i
	}
	i := uint32(len(p.texts))
	p.texts = append(p.texts, s)
	p.text[s] = i
	return i
}

func (p *packer) detailsIndex(d map[string]string) uint32 {
	if d == nil {
		return 0
	}
	if len(d) == 0 {
		p.details = append(p.details, d)
		return uint32(len(p.details))
	}
	// Each key and value is written with its length first, so no two
	// different maps have the same key.
	p.key = p.key[:0]
	for _, k := range sortedKeys(d) {
		v := d[k]
		p.key = binary.AppendUvarint(p.key, uint64(len(k)))
		p.key = append(p.key, k...)
		p.key = binary.AppendUvarint(p.key, uint64(len(v)))
		p.key = append(p.key, v...)
	}
	if i, ok := p.detail[string(p.key)]; ok {
		return i
	}
	p.details = append(p.details, d)
	i := uint32(len(p.details))
	p.detail[string(p.key)] = i
	return i
}
