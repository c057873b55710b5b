//go:build tools

// Package kubo pins the kubo version .ci/run builds `ipfs` from.
package kubo

import _ "github.com/ipfs/kubo/cmd/ipfs"
