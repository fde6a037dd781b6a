package patching

import (
	"strings"
	"time"
)

// Platform is an instance's operating system family, as far as patching
// goes.
type Platform string

// The platforms.
const (
	// PlatformWindows is Windows Server.
	PlatformWindows Platform = "Windows"
	// PlatformUbuntu is Ubuntu Server.
	PlatformUbuntu Platform = "Ubuntu"
	// PlatformOther is anything else: never scanned or patched.
	PlatformOther Platform = "other"
)

// platformOf reads SSM's PlatformType and PlatformName.
func platformOf(platformType, platformName string) Platform {
	switch {
	case strings.EqualFold(platformType, "Windows"):
		return PlatformWindows
	case strings.EqualFold(platformType, "Linux") && strings.Contains(strings.ToLower(platformName), "ubuntu"):
		return PlatformUbuntu
	}
	return PlatformOther
}

// PatchState is the part of an instance's patch state (SSM
// DescribeInstancePatchStates) that opsd reads.
type PatchState struct {
	// Operation is Scan or Install: the last operation that reported.
	Operation string
	// OperationEnd is when it ended.
	OperationEnd time.Time
	// CriticalNonCompliant counts the missing (or failed, or awaiting a
	// reboot) patches the patch baseline's compliance level marks
	// Critical.
	CriticalNonCompliant int
	// SecurityNonCompliant counts the missing security patches.
	SecurityNonCompliant int
	// OtherNonCompliant counts the rest of the non-compliant patches.
	OtherNonCompliant int
	// Missing counts approved patches that apply and are not installed.
	Missing int
	// Failed counts patches the last install failed to install.
	Failed int
	// InstalledPendingReboot counts patches installed that wait for a
	// reboot.
	InstalledPendingReboot int
}

// Missing returns how many Critical and how many Important patches an
// instance lacks, from its patch state.
//
// Windows: Critical is CriticalNonCompliantCount, Important is
// SecurityNonCompliantCount. The predefined Windows baseline approves only
// updates Microsoft rates Critical or Important (classification
// CriticalUpdates or SecurityUpdates), but it gives them the compliance
// level Unspecified, so with it Critical stays 0 and missing security
// updates show as Important; a baseline that sets compliance levels makes
// the Critical column meaningful. A patch may count in both.
//
// Ubuntu: Patch Manager reads no update severity from Ubuntu's
// repositories. The "priority" an Ubuntu baseline filters on (Required,
// Important, Standard, Optional, Extra) is the Debian package priority,
// not how urgent an update is, and the predefined Ubuntu baseline
// approves security-related updates only, with the compliance level
// Unspecified. So for Ubuntu Critical is CriticalNonCompliantCount (non
// zero only when the baseline marks patches Critical), and Important is
// every other approved patch that is missing or failed to install:
// MissingCount + FailedCount - Critical, at least 0. With the predefined
// baseline that is every missing security update.
//
// Other platforms are never scanned; they count nothing.
func Missing(p Platform, s PatchState) (critical, important int) {
	switch p {
	case PlatformWindows:
		return s.CriticalNonCompliant, s.SecurityNonCompliant
	case PlatformUbuntu:
		return s.CriticalNonCompliant, max(0, s.Missing+s.Failed-s.CriticalNonCompliant)
	}
	return 0, 0
}
