// Package contracts holds the Solidity sources of livegate's payment
// channels and the generator that turns them into what the Go build needs,
// so that `go build` never needs Node:
//
//	contracts/build/{Contract}.abi, {Contract}.bin
//	chain/bindings/channels.go           abigen bindings of Channels
//	chain/bindings/token.go              IToken: any ERC-20 (metadata, permit)
//	chain/bindings/stablecoin.go         the test stablecoin (USDL) of the dev chain
//	chain/bindings/attack/reentrant.go   bindings of the test-only attackers
//	chain/bindings/attack/feetoken.go    a fee-on-transfer token, refused
//
// `make contracts` (after `npm ci`) regenerates them; this package's test
// generates them into a temporary directory and fails when the committed
// files differ from what the sources compile to.
package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// Sources, relative to the repository root; imports resolve in node_modules.
var sources = []string{
	"contracts/Channels.sol", "contracts/IToken.sol",
	"contracts/test/TestStablecoin.sol", "contracts/test/Reentrant.sol", "contracts/test/FeeToken.sol",
}

// Outputs lists every generated file, relative to the repository root.
func Outputs() []string {
	files := []string{}
	for _, n := range []string{"Channels", "TestStablecoin", "ReentrantPayee", "ReentrantFunder", "FeeToken"} {
		files = append(files, "contracts/build/"+n+".abi", "contracts/build/"+n+".bin")
	}
	for _, o := range outputs {
		files = append(files, o.file)
	}
	return files
}

// outputs: which compiled contracts become which bindings.
var outputs = []struct {
	pkg, file string
	types     []string
}{
	{"bindings", "chain/bindings/channels.go", []string{"Channels"}},
	{"bindings", "chain/bindings/token.go", []string{"IToken"}},
	{"bindings", "chain/bindings/stablecoin.go", []string{"TestStablecoin"}},
	{"attack", "chain/bindings/attack/reentrant.go", []string{"ReentrantPayee", "ReentrantFunder"}},
	{"attack", "chain/bindings/attack/feetoken.go", []string{"FeeToken"}},
}

type standardInput struct {
	Language string                       `json:"language"`
	Sources  map[string]map[string]string `json:"sources"`
	Settings map[string]any               `json:"settings"`
}

type standardOutput struct {
	Errors []struct {
		Severity         string `json:"severity"`
		FormattedMessage string `json:"formattedMessage"`
	} `json:"errors"`
	Contracts map[string]map[string]struct {
		ABI json.RawMessage `json:"abi"`
		EVM struct {
			Bytecode struct {
				Object string `json:"object"`
			} `json:"bytecode"`
		} `json:"evm"`
	} `json:"contracts"`
}

// Generate compiles the sources under root and writes everything under out.
func Generate(root, out string) error {
	in := standardInput{Language: "Solidity", Sources: map[string]map[string]string{}}
	for _, s := range sources {
		b, err := os.ReadFile(filepath.Join(root, s))
		if err != nil {
			return err
		}
		in.Sources[s] = map[string]string{"content": string(b)}
	}
	// cancun: transient storage (the re-entrancy guard) and nothing newer,
	// so the bytecode runs on any chain that has had Dencun.
	in.Settings = map[string]any{
		"optimizer":       map[string]any{"enabled": true, "runs": 200},
		"evmVersion":      "cancun",
		"outputSelection": map[string]any{"*": map[string]any{"*": []string{"abi", "evm.bytecode.object"}}},
	}
	input, _ := json.Marshal(in)
	solcjs := filepath.Join(root, "node_modules", ".bin", "solcjs")
	cmd := exec.Command(solcjs, "--standard-json", "--base-path", ".", "--include-path", "node_modules/")
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// Into a file, not a pipe: solcjs exits before node has flushed a
	// pipe, cutting its output at 64 KiB; writes to a file are synchronous.
	outFile, err := os.CreateTemp("", "solc-*.json")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(outFile.Name()) }()
	defer func() { _ = outFile.Close() }()
	cmd.Stdout = outFile
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s (run `npm ci` first): %w\n%s", solcjs, err, stderr.String())
	}
	raw, err := os.ReadFile(outFile.Name())
	if err != nil {
		return err
	}
	// solcjs may print a notice before the JSON.
	if i := bytes.IndexByte(raw, '{'); i > 0 {
		raw = raw[i:]
	}
	var res standardOutput
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("solc output: %w", err)
	}
	var errs []string
	for _, e := range res.Errors {
		if e.Severity == "error" {
			errs = append(errs, e.FormattedMessage)
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	compiled := map[string]struct{ abi, bin string }{}
	for _, file := range sources {
		for name, c := range res.Contracts[file] {
			// Interfaces have no bytecode: bound for calls, never deployed.
			compiled[name] = struct{ abi, bin string }{string(c.ABI), c.EVM.Bytecode.Object}
		}
	}
	names := make([]string, 0, len(compiled))
	for n := range compiled {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := compiled[n]
		if c.bin == "" {
			continue
		}
		if err := write(filepath.Join(out, "contracts", "build", n+".abi"), c.abi+"\n"); err != nil {
			return err
		}
		if err := write(filepath.Join(out, "contracts", "build", n+".bin"), c.bin+"\n"); err != nil {
			return err
		}
	}
	for _, o := range outputs {
		var abis, bins []string
		var fsigs []map[string]string
		for _, t := range o.types {
			c, ok := compiled[t]
			if !ok {
				return fmt.Errorf("contract %s not compiled", t)
			}
			bin := ""
			if c.bin != "" {
				bin = "0x" + c.bin
			}
			abis, bins, fsigs = append(abis, c.abi), append(bins, bin), append(fsigs, nil)
		}
		code, err := abigen.Bind(o.types, abis, bins, fsigs, o.pkg, nil, nil)
		if err != nil {
			return fmt.Errorf("abigen %s: %w", o.pkg, err)
		}
		if err := write(filepath.Join(out, o.file), code); err != nil {
			return err
		}
	}
	return nil
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
