package notify

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/slack-go/slack"
)

// postedBlocks posts msg through a notifier made with opts and returns
// the blocks of the one message posted.
func postedBlocks(t *testing.T, opts SlackOptions, msg Message) []slack.Block {
	t.Helper()
	srv := startSlack(t)
	rec := &postRecorder{}
	opts.APIURL, opts.HTTPClient = srv.GetAPIURL(), &http.Client{Transport: rec}
	if err := newTestSlack(t, opts).Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	posts := rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	return decodeBlocks(t, posts[0])
}

// A message's buttons are shown, in one actions block before the footer,
// only when someone answers them (SlackOptions.Interactive).
func TestButtonsOnlyWithInteractivity(t *testing.T) {
	msg := Message{Kind: KindShutdown, Title: "Shutdown notice", Text: "x",
		Buttons: []Button{{Text: "Keep i-1 up until 22:00", ActionID: "keep", Value: "ec2|1|r|i-1||2026-11-24T22:00:00Z"}}}
	plain := postedBlocks(t, SlackOptions{}, msg)
	for _, b := range plain {
		if b.BlockType() == slack.MBTAction {
			t.Fatal("buttons shown although nobody answers them")
		}
	}
	blocks := postedBlocks(t, SlackOptions{Interactive: true}, msg)
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

// More buttons than one actions block holds go in several, each with its
// own block id, none left out.
func TestButtonsBeyondOneActionsBlock(t *testing.T) {
	msg := Message{Kind: KindShutdown, Title: "Shutdown notice"}
	for i := range 30 {
		msg.Buttons = append(msg.Buttons, Button{Text: fmt.Sprintf("Keep i-%d up", i), ActionID: "keep", Value: fmt.Sprint(i)})
	}
	var ids []string
	n := 0
	for _, b := range postedBlocks(t, SlackOptions{Interactive: true}, msg) {
		if act, ok := b.(*slack.ActionBlock); ok {
			ids = append(ids, act.BlockID)
			n += len(act.Elements.ElementSet)
		}
	}
	if fmt.Sprint(ids) != "[opsd-actions opsd-actions-2]" || n != 30 {
		t.Errorf("actions blocks %v with %d buttons, want two with 30", ids, n)
	}
}
