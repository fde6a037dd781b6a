package ecs_test

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/internal/imagebuild"
)

// container is the part of the task's one container checked here.
type container struct {
	Command     []string
	HealthCheck struct {
		Command                                 []string
		Interval, Timeout, Retries, StartPeriod int
	}
	Environment []struct{ Name, Value string }
}

func byHand(t *testing.T) container {
	t.Helper()
	b, err := os.ReadFile("task-definition.json")
	if err != nil {
		t.Fatal(err)
	}
	var td struct{ ContainerDefinitions []container }
	if err := json.Unmarshal(b, &td); err != nil {
		t.Fatalf("task-definition.json: %v", err)
	}
	if len(td.ContainerDefinitions) != 1 {
		t.Fatalf("%d containers, want 1", len(td.ContainerDefinitions))
	}
	return td.ContainerDefinitions[0]
}

// The by-hand task definition's environment, over the image's
// configuration, elects a leader, keeps the state in the lease table (the
// root filesystem is read-only) and runs a service.
func TestTaskDefinitionConfigEnablesHAAndAStateTable(t *testing.T) {
	c := byHand(t)
	var environ []string
	for _, e := range c.Environment {
		environ = append(environ, e.Name+"="+e.Value)
	}
	cfg, err := config.Load("../image/opsd.yaml", environ)
	if err != nil {
		t.Fatalf("the image's configuration with the task definition's environment: %v", err)
	}
	if !cfg.HA.Enabled {
		t.Error("ha is off: the service's two tasks would both run every job")
	}
	if table := cfg.StateTable(); table == "" || table != cfg.HA.Table {
		t.Errorf("state table %q, want the lease table %q: on a read-only root the state has nowhere else to live", table, cfg.HA.Table)
	}
	if len(cfg.EnabledServices()) == 0 {
		t.Error("no service is enabled: the tasks would run no job")
	}
}

// The by-hand task sets every variable hub.yaml's task sets to choose
// leader election and the services, and has the same health check.
func TestTaskDefinitionIsTheHubs(t *testing.T) {
	c := byHand(t)
	hub := hubContainer(t)
	names := map[string]bool{}
	for _, e := range c.Environment {
		names[e.Name] = true
	}
	for _, e := range mappingValue(hub, "Environment").Content {
		name := mappingValue(e, "Name").Value
		if (name == "OPSD_HA__ENABLED" || strings.HasSuffix(name, "__ENABLED") && !strings.HasPrefix(name, "OPSD_AWS__")) && !names[name] {
			t.Errorf("hub.yaml's task sets %s; task-definition.json does not", name)
		}
	}

	want := []string{"CMD", imagebuild.BinaryPath, "healthcheck", "--config", imagebuild.ConfigPath}
	if !slices.Equal(c.HealthCheck.Command, want) {
		t.Errorf("healthCheck.command %q, want %q", c.HealthCheck.Command, want)
	}
	if i := slices.Index(c.Command, "--config"); i < 0 || i+1 >= len(c.Command) || c.Command[i+1] != imagebuild.ConfigPath {
		t.Errorf("command %q does not run the configuration the health check reads", c.Command)
	}
	hc := mappingValue(hub, "HealthCheck")
	var hubCommand []string
	for _, n := range mappingValue(hc, "Command").Content {
		hubCommand = append(hubCommand, n.Value)
	}
	if !slices.Equal(hubCommand, want) {
		t.Errorf("hub.yaml's HealthCheck Command %q, want %q", hubCommand, want)
	}
	for key, got := range map[string]int{"Interval": c.HealthCheck.Interval, "Timeout": c.HealthCheck.Timeout,
		"Retries": c.HealthCheck.Retries, "StartPeriod": c.HealthCheck.StartPeriod} {
		hubValue := ""
		if v := mappingValue(hc, key); v != nil {
			hubValue = v.Value
		}
		if hubValue != strconv.Itoa(got) {
			t.Errorf("healthCheck %s: task-definition.json %d, hub.yaml %q", key, got, hubValue)
		}
	}
	// The image's own HEALTHCHECK has the same timings.
	img := map[string]int{"Interval": int(imagebuild.HealthInterval.Seconds()), "Timeout": int(imagebuild.HealthTimeout.Seconds()),
		"Retries": imagebuild.HealthRetries, "StartPeriod": int(imagebuild.HealthStartPeriod.Seconds())}
	if got := (map[string]int{"Interval": c.HealthCheck.Interval, "Timeout": c.HealthCheck.Timeout,
		"Retries": c.HealthCheck.Retries, "StartPeriod": c.HealthCheck.StartPeriod}); !maps.Equal(got, img) {
		t.Errorf("healthCheck timings %v, the image's %v", got, img)
	}
	// opsd healthcheck gives up after one second; ECS must wait longer.
	if c.HealthCheck.Timeout < 2 {
		t.Errorf("healthCheck.timeout %d s leaves opsd healthcheck no time to start and ask", c.HealthCheck.Timeout)
	}
}

// hubContainer is hub.yaml's task's one container definition.
func hubContainer(t *testing.T) *yaml.Node {
	t.Helper()
	b, err := os.ReadFile("../cloudformation/hub.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) != 1 {
		t.Fatalf("hub.yaml: %v", err)
	}
	defs := mappingValue(mappingValue(mappingValue(mappingValue(doc.Content[0], "Resources"), "TaskDefinition"), "Properties"), "ContainerDefinitions")
	if defs == nil || len(defs.Content) != 1 {
		t.Fatal("hub.yaml: no single container definition")
	}
	return defs.Content[0]
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
