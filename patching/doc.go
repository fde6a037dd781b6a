// Package patching is the home of opsd's patching service: TOSCAN scans for
// missing Critical and Important OS patches through SSM, and TOPATCH installs
// out of hours. The service is not part of this version; enabling
// patching in the configuration is refused by check-config.
package patching
