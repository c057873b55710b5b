// Command gen regenerates the contracts' ABI, bytecode and Go bindings:
// `go run ./contracts/gen` from the repository root, after `npm ci`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/livegate/livegate/contracts"
)

func main() {
	root := flag.String("root", ".", "repository root (sources, node_modules)")
	out := flag.String("out", ".", "where to write (the repository root updates the committed files)")
	flag.Parse()
	if err := contracts.Generate(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "contracts:", err)
		os.Exit(1)
	}
}
