package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/opsd-dev/opsd/config"
)

// cmdCheckConfig lists every problem in a configuration file.
func cmdCheckConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check-config", "check-config --config FILE [--env-file FILE]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	envFile := fs.String("env-file", "", "a systemd EnvironmentFile (OPSD_ variables) to check the configuration with, as the service would run it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	environ := os.Environ()
	if *envFile != "" {
		vars, err := config.ReadEnvFile(*envFile)
		if err != nil {
			return fmt.Errorf("%w: %w", errConfig, err)
		}
		// The file's values win, as they do for the service.
		environ = append(environ, vars...)
	}
	cfg, err := loadConfigWith(*path, environ)
	var verr *config.ValidationError
	if errors.As(err, &verr) {
		fmt.Fprintf(stdout, "%s: %s\n", *path, config.Plural(len(verr.Problems), "problem"))
		for _, p := range verr.Problems {
			fmt.Fprintf(stdout, "  %v\n", p)
		}
		return fmt.Errorf("%w: %s is invalid", errConfig, *path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok (regions %v, services enabled: %v)\n", *path, cfg.AWS.Regions, cfg.EnabledServices())
	return nil
}
