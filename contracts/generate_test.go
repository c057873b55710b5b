package contracts

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
)

// TestCommittedArtifactsMatchSources compiles the Solidity sources afresh
// and compares every generated file with the committed one: a contract
// edited without `make contracts` fails here.
func TestCommittedArtifactsMatchSources(t *testing.T) {
	root, _ := filepath.Abs("..")
	testenv.Tool(t, "node")
	testenv.File(t, filepath.Join(root, "node_modules", ".bin", "solcjs"), "run `npm ci` at the repository root")
	out := t.TempDir()
	if err := Generate(root, out); err != nil {
		t.Fatal(err)
	}
	for _, f := range Outputs() {
		want, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Errorf("%s is not committed: %v", f, err)
			continue
		}
		got, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the sources compile to: run `make contracts`", f)
		}
	}
}
