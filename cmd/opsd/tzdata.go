package main

// The container image has no /usr/share/zoneinfo, and every schedule names
// a time zone (Europe/London by default): the binary carries the zone
// database, which Go uses only when the system has none.
import _ "time/tzdata"
