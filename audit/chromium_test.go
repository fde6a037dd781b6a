package audit

import (
	"image"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/chromiumtest"
)

// The report page rendered by a real browser (internal/chromiumtest),
// against the real handler on a loopback server.

// The summary cells' colours (see the report template).
var (
	passColour = [3]uint8{0x2e, 0x7d, 0x32}
	failColour = [3]uint8{0xc6, 0x28, 0x28}
)

// browserReport is a report built by the real checks from an inventory
// with a compliant application and a failing one.
func browserReport() *Report {
	good, bad := prodTags("compliant"), tags("Application", "legacy", "Environment", "production")
	block := &PublicAccessBlock{true, true, true, true}
	inv := &Inventory{Account: testAccount, Region: testRegion, Failed: map[Source]error{},
		Buckets: []Bucket{
			{Resource: res(KindS3Bucket, "compliant-files", good), Encryption: "aws:kms", Block: block},
			{Resource: res(KindS3Bucket, "legacy-files", bad)},
		},
		Tables: []Table{
			{Resource: res(KindDynamoDB, "compliant-items", good), PITR: true, GSIs: []string{"by-date"}},
			{Resource: res(KindDynamoDB, "legacy-items", bad), GSIs: []string{"a", "b", "c"}},
		},
	}
	fs, gaps := evaluate(registry(), defaultRules(), inv)
	return buildReport(testNow, Checks(), fs, gaps)
}

func TestReportPageInChromium(t *testing.T) {
	chromiumtest.Bin(t)
	rep := browserReport()
	srv := httptest.NewServer(ReportHandler(func() *Report { return rep }, nil))
	defer srv.Close()
	url := srv.URL + "/report"

	dom := string(chromiumtest.Run(t, "--dump-dom", url))
	for _, want := range []string{"legacy-files", "legacy-items", "Block Public Access", "point-in-time recovery is off", `id="app-2-legacy"`, `href="#app-2-legacy"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script") {
		t.Error("rendered DOM has a script")
	}

	img := chromiumtest.Screenshot(t, url, 1280, 900, "audit-report.png")
	bands := colourBands(img)
	if len(bands) < 2 {
		t.Fatalf("summary rows found in the screenshot: %+v, want the compliant and the legacy row", bands)
	}
	compliant, legacy := bands[0], bands[1]
	if compliant.green == 0 || compliant.red != 0 {
		t.Errorf("compliant row (y %d–%d): %d green, %d red pixels; want green only", compliant.top, compliant.bottom, compliant.green, compliant.red)
	}
	if legacy.red == 0 {
		t.Errorf("legacy row (y %d–%d) has no red pixels", legacy.top, legacy.bottom)
	}
}

// band is a run of screenshot lines holding pass or fail colour: one
// summary table row.
type band struct {
	top, bottom int
	green, red  int
}

// colourBands returns the runs of lines, top to bottom, that hold at least
// a few pixels of the pass or fail colour, with how many of each.
func colourBands(img image.Image) []band {
	b := img.Bounds()
	var out []band
	var cur *band
	for y := b.Min.Y; y < b.Max.Y; y++ {
		green, red := 0, 0
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			px := [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}
			switch {
			case near(px, passColour):
				green++
			case near(px, failColour):
				red++
			}
		}
		if green+red < 10 {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, band{top: y})
			cur = &out[len(out)-1]
		}
		cur.bottom = y
		cur.green += green
		cur.red += red
	}
	return out
}

// near reports whether two colours differ by at most 6 in each channel.
func near(a, b [3]uint8) bool {
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < -6 || d > 6 {
			return false
		}
	}
	return true
}
