package notify

import (
	"testing"

	"github.com/slack-go/slack"
)

// A message's buttons are shown, in one actions block before the footer,
// only when someone answers them (SlackOptions.Interactive).
func TestButtonsOnlyWithInteractivity(t *testing.T) {
	msg := Message{Kind: KindShutdown, Title: "Shutdown notice", Text: "x",
		Buttons: []Button{{Text: "Keep i-1 up until 22:00", ActionID: "keep", Value: "ec2|1|r|i-1||2026-11-24T22:00:00Z"}}}
	plain := newTestSlack(t, SlackOptions{}).blocks(msg)
	for _, b := range plain {
		if b.BlockType() == slack.MBTAction {
			t.Fatal("buttons shown although nobody answers them")
		}
	}
	blocks := newTestSlack(t, SlackOptions{Interactive: true}).blocks(msg)
	if len(blocks) != len(plain)+1 {
		t.Fatalf("%d blocks, want %d", len(blocks), len(plain)+1)
	}
	act, ok := blocks[len(blocks)-2].(*slack.ActionBlock)
	if !ok || blocks[len(blocks)-1].BlockType() != slack.MBTContext {
		t.Fatalf("the actions block is not just before the footer: %T, %T", blocks[len(blocks)-2], blocks[len(blocks)-1])
	}
	btn, ok := act.Elements.ElementSet[0].(*slack.ButtonBlockElement)
	if !ok || btn.ActionID != "keep" || btn.Value != msg.Buttons[0].Value || btn.Text.Text != "Keep i-1 up until 22:00" {
		t.Errorf("button = %+v", act.Elements.ElementSet[0])
	}
}
