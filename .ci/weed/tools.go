//go:build tools

// Package weed pins the SeaweedFS version .ci/run builds `weed` from.
package weed

import _ "github.com/seaweedfs/seaweedfs/weed"
