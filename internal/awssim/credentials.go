package awssim

import (
	"fmt"
	"sync/atomic"
)

// SecretAccessKey is the secret of every credential the server hands out
// or expects; signatures are not checked.
const SecretAccessKey = "awssim-secret-access-key"

// AccessKeyID is the long-term access key id of account: AKIA, the 12
// digits of the account, and four letters.
func AccessKeyID(account string) string { return "AKIA" + account + "SIMX" }

// sessionKeyID is the access key id of temporary credentials in account:
// ASIA, the account and a sequence number.
func sessionKeyID(account string, seq uint32) string {
	return fmt.Sprintf("ASIA%s%04X", account, seq&0xffff)
}

// accountOf returns the account an access key id encodes, or
// DefaultAccount when it encodes none.
func accountOf(akid string) string {
	if len(akid) < 16 {
		return DefaultAccount
	}
	acct := akid[4:16]
	for i := 0; i < len(acct); i++ {
		if acct[i] < '0' || acct[i] > '9' {
			return DefaultAccount
		}
	}
	return acct
}

// keySeq numbers temporary credentials.
type keySeq struct{ n atomic.Uint32 }

func (k *keySeq) next() uint32 { return k.n.Add(1) }
