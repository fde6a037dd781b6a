package webpage

import (
	"image"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/chromiumtest"
)

// The chart's colours (see the template).
var (
	onColour  = [3]uint8{0x2e, 0x7d, 0x32}
	offColour = [3]uint8{0x90, 0xa4, 0xae}
)

// The page in a real browser: the search result and the chart render,
// with bars in both colours (every scheduled resource up by day, some
// stopped at night), and nothing is fetched from elsewhere.
func TestPageInChromium(t *testing.T) {
	chromiumtest.Bin(t)
	src, _ := testSource(t)
	srv := httptest.NewServer(Handler(src))
	defer srv.Close()
	url := srv.URL + "/?q=web-b"

	dom := string(chromiumtest.Run(t, "--dump-dom", url))
	for _, want := range []string{"i-b (web-b)", "no BackupPolicy tag", `id="running-chart"`, "Recent actions",
		`<td class="nw">Tue 24 Nov 19:05 UTC</td><td>shutdown</td>`, `<select name="status">`} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	img := chromiumtest.Screenshot(t, url, 1280, 1400, "webpage.png")
	on, off := count(img, onColour), count(img, offColour)
	t.Logf("screenshot %v: %d pixels of daytime bars, %d of night bars", img.Bounds().Size(), on, off)
	if on == 0 || off == 0 {
		t.Errorf("the chart's bars are not both drawn: %d daytime, %d night pixels", on, off)
	}
	// Six nights of twelve hours and a week of days: the night bars are
	// about as many as the day bars, but a quarter as tall.
	if off*2 > on {
		t.Errorf("night bars (%d px) look as tall as the day bars (%d px)", off, on)
	}
}

func count(img image.Image, c [3]uint8) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8) bool {
	d := int(v>>8) - int(want)
	return d >= -6 && d <= 6
}
