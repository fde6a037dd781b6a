package webpage

import (
	"fmt"
	"time"
)

// Chart geometry, in SVG user units.
const (
	chartWidth  = 840
	chartHeight = 160
	chartHours  = 7 * 24
)

// chart is the SVG bar chart of scheduled resources running by hour.
type chart struct {
	Bars          []bar
	Max           int
	From, To      string
	Width, Height int
	Empty         bool
	Days          []dayMark
}

type bar struct {
	X, Y, W, H float64
	Title      string
	Off        bool // fewer than all were running: the off period
}

type dayMark struct {
	X     float64
	Label string
}

// newChart lays out the last week's points, one bar per hour, ending at
// the newest point.
func newChart(points []Point, loc *time.Location) chart {
	c := chart{Width: chartWidth, Height: chartHeight, Empty: len(points) == 0}
	if c.Empty {
		return c
	}
	end := points[len(points)-1].Hour
	start := end.Add(-(chartHours - 1) * time.Hour)
	for _, p := range points {
		c.Max = max(c.Max, p.Total)
	}
	if c.Max == 0 {
		c.Max = 1
	}
	slot := float64(chartWidth) / chartHours
	for _, p := range points {
		if p.Hour.Before(start) {
			continue
		}
		i := float64(p.Hour.Sub(start) / time.Hour)
		h := float64(p.Running) / float64(c.Max) * float64(chartHeight-20)
		c.Bars = append(c.Bars, bar{
			X: i * slot, W: max(slot-1, 1), H: h, Y: float64(chartHeight-20) - h,
			Title: fmt.Sprintf("%s: %d of %d running", p.Hour.In(loc).Format("Mon 2 Jan 15:00"), p.Running, p.Total),
			Off:   p.Running < p.Total,
		})
	}
	for d := start.In(loc).Truncate(time.Hour); !d.After(end); d = d.Add(time.Hour) {
		if d.In(loc).Hour() == 0 {
			c.Days = append(c.Days, dayMark{X: float64(d.Sub(start)/time.Hour) * slot, Label: d.In(loc).Format("Mon 2")})
		}
	}
	c.From, c.To = start.In(loc).Format("Mon 2 Jan 15:00"), end.In(loc).Format("Mon 2 Jan 15:00 MST")
	return c
}
