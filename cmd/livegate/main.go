// Command livegate is a live-streaming server: RTMP in, HLS out, every
// stream archived for replay.
//
//	livegate dev [--data DIR] [--http ADDR] [--rtmp ADDR] [--rtsp ADDR]
//	livegate serve --config livegate.yml
//	livegate settle --config livegate.yml | --data DIR
//	livegate links --stream NAME --count N --deposit AMOUNT --expiry DURATION --out DIR (--config livegate.yml --key organizer.key | --data DIR)
//	livegate transcoder --listen ADDR
//	livegate version
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `livegate: live streaming with pay-per-second HLS

Usage:
  livegate dev [--data DIR] [--http ADDR] [--rtmp ADDR] [--rtsp ADDR]
        everything on this machine, with a demo stream; writes DIR/dev.json
  livegate serve --config livegate.yml
        production, from a config file (LIVEGATE_* variables override it)
  livegate settle --config livegate.yml | --data DIR
        claim every channel's best voucher on chain now
  livegate links --stream NAME --count N --deposit AMOUNT --expiry DURATION --out DIR
                 (--config livegate.yml --key organizer.key [--url URL] | --data DIR)
        prefund N viewers: channels for burner keys, as watch links in a CSV
        and a printable sheet of QR codes
  livegate archive import --config livegate.yml CID
        add a recording another livegate published to IPFS (same ledger)
  livegate transcoder [--listen ADDR]
        a transcoder on its own (Livepeer's push protocol, ffmpeg inside)
  livegate version
`

func main() {
	if addr := os.Getenv("LIVEGATE_PPROF"); addr != "" {
		// A profiling aid for operators and load tests, on its own
		// listener so it is never exposed with the service.
		go func() { _ = http.ListenAndServe(addr, pprofMux()) }()
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch args[0] {
	case "dev":
		err = runDev(args[1:], stdout, log)
	case "serve":
		err = runServe(args[1:], log)
	case "settle":
		err = runSettle(args[1:], stdout, log)
	case "links":
		err = runLinks(args[1:], stdout, log)
	case "archive":
		err = runArchive(args[1:], stdout, log)
	case "transcoder":
		err = runTranscoder(args[1:], stdout, log)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "livegate %s (%s)\n", version, runtime.Version())
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "livegate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage { //nolint:errorlint // the bare sentinel says nothing more; a wrapped one says what was wrong
			fmt.Fprintf(stderr, "livegate %s: %v\n", args[0], err)
		}
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "livegate: %v\n", err)
		return 1
	}
	return 0
}

var errUsage = errors.New("usage")

func runServe(args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := fs.String("config", "livegate.yml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	srv, err := startServer(cfg, log)
	if err != nil {
		return err
	}
	return srv.runUntilSignal()
}
