package patching

import "testing"

func TestPlatformOf(t *testing.T) {
	tests := []struct {
		typ, name string
		want      Platform
	}{
		{"Windows", "Microsoft Windows Server 2022 Datacenter", PlatformWindows},
		{"Linux", "Ubuntu", PlatformUbuntu},
		{"Linux", "Ubuntu Server", PlatformUbuntu},
		{"Linux", "Amazon Linux", PlatformOther},
		{"Linux", "Red Hat Enterprise Linux", PlatformOther},
		{"MacOS", "macOS", PlatformOther},
		{"", "", PlatformOther},
	}
	for _, tt := range tests {
		if got := platformOf(tt.typ, tt.name); got != tt.want {
			t.Errorf("platformOf(%q, %q) = %s, want %s", tt.typ, tt.name, got, tt.want)
		}
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name                        string
		p                           Platform
		s                           PatchState
		wantCritical, wantImportant int
	}{
		{"windows counts critical and security", PlatformWindows,
			PatchState{CriticalNonCompliant: 2, SecurityNonCompliant: 5, OtherNonCompliant: 9, Missing: 16}, 2, 5},
		{"windows predefined baseline: critical stays 0", PlatformWindows,
			PatchState{SecurityNonCompliant: 3, Missing: 3}, 0, 3},
		{"windows ignores other non-compliant", PlatformWindows,
			PatchState{OtherNonCompliant: 4, Missing: 4}, 0, 0},
		{"ubuntu predefined baseline: every missing patch is important", PlatformUbuntu,
			PatchState{Missing: 7}, 0, 7},
		{"ubuntu counts failed installs", PlatformUbuntu,
			PatchState{Missing: 2, Failed: 1}, 0, 3},
		{"ubuntu critical by compliance level, not counted twice", PlatformUbuntu,
			PatchState{CriticalNonCompliant: 2, Missing: 5}, 2, 3},
		{"ubuntu critical awaiting reboot, nothing else missing", PlatformUbuntu,
			PatchState{CriticalNonCompliant: 2, InstalledPendingReboot: 2}, 2, 0},
		{"ubuntu up to date", PlatformUbuntu, PatchState{}, 0, 0},
		{"other platforms count nothing", PlatformOther, PatchState{CriticalNonCompliant: 3, Missing: 3}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, i := Missing(tt.p, tt.s)
			if c != tt.wantCritical || i != tt.wantImportant {
				t.Errorf("Missing = %d critical, %d important; want %d, %d", c, i, tt.wantCritical, tt.wantImportant)
			}
		})
	}
}
