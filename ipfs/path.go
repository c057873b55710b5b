package ipfs

import (
	"fmt"
	"strings"
)

// checkPath accepts "/ipfs/{cid}" optionally followed by "/name/…": the
// only paths this package sends to kubo, with a CID ParseCID takes and
// names that are plain path elements.
func checkPath(p string) error {
	rest, ok := strings.CutPrefix(p, "/ipfs/")
	if !ok {
		return fmt.Errorf("ipfs: path %q: want /ipfs/{cid}[/name…]", p)
	}
	cid, names, _ := strings.Cut(rest, "/")
	if _, err := ParseCID(cid); err != nil {
		return fmt.Errorf("ipfs: path %q: %w", p, err)
	}
	if names == "" && strings.HasSuffix(rest, "/") {
		return fmt.Errorf("ipfs: path %q: trailing slash", p)
	}
	if names != "" {
		if err := checkRelative(names); err != nil {
			return fmt.Errorf("ipfs: path %q: %w", p, err)
		}
	}
	return nil
}

// checkRelative accepts a slash-separated relative path of plain names:
// no empty element (so no leading, trailing or doubled slash), no "." or
// "..", nothing a name in a UnixFS directory cannot be.
func checkRelative(p string) error {
	if p == "" {
		return fmt.Errorf("empty path")
	}
	for name := range strings.SplitSeq(p, "/") {
		if err := checkName(name); err != nil {
			return fmt.Errorf("path %q: %w", p, err)
		}
	}
	return nil
}

// checkName accepts one directory entry's name.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty name")
	case name == "." || name == "..":
		return fmt.Errorf("name %q", name)
	case len(name) > 255:
		return fmt.Errorf("name of %d bytes is too long", len(name))
	case strings.ContainsAny(name, "/\x00"):
		return fmt.Errorf("name %q has a slash or NUL", name)
	}
	return nil
}
