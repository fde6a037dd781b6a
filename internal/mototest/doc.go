// Package mototest runs moto's AWS emulator (moto_server) for integration
// tests and puts a small wire-protocol fake in front of it for the
// operations moto lacks. It is test support: import it only from _test.go
// files.
//
// One moto server serves a whole test package. Start it lazily from the
// tests and stop it when the package's tests end:
//
//	func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }
//
//	func TestSomething(t *testing.T) {
//		srv := mototest.Shared(t) // skips (or fails when CI=true) without moto_server
//		srv.Reset(t)               // moto state is shared: start from empty
//		cfg := srv.Config("eu-west-2")
//		client := ec2.NewFromConfig(cfg)
//		...
//	}
//
// Clients built from [Server.Config] reach moto through the real SDK, so
// request serialisation and response parsing are exercised. A few services
// need a client option to work with moto: S3 needs path-style addressing
// (o.UsePathStyle = true) and CloudWatch needs the JSON protocol
// ([CloudWatchJSON]), because moto does not speak the CBOR protocol the SDK
// uses for CloudWatch by default.
//
// For operations moto does not implement, start a [Proxy] in front of the
// server, register handlers for those operations and point clients at the
// proxy; every other request is forwarded to moto unchanged.
//
// The moto_server binary is found on PATH, or at MOTO_SERVER_BIN. When it
// is missing, tests that need it are skipped, unless CI=true, when they fail.
package mototest
