package ipfs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
)

// ErrUnreachable is wrapped by the error of a call that never got an
// answer (connection refused, a timeout): the node is down or elsewhere,
// and the caller should keep what it meant to add and try again later.
var ErrUnreachable = errors.New("unreachable")

// Error is kubo's answer to a call it refused or failed: an HTTP status
// other than 200 with a JSON body {"Message", "Code", "Type": "error"},
// or an error it streamed after a 200.
type Error struct {
	Call    string // the RPC command, e.g. "add", "files/cp"
	Status  int
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("kubo %s: %s (HTTP %d)", e.Call, e.Message, e.Status)
}

// Is makes an error about a path or block that is not there match
// fs.ErrNotExist: kubo says so only in words.
func (e *Error) Is(target error) bool {
	return target == fs.ErrNotExist && notFound(e.Message)
}

// notFound recognises kubo's (boxo's) messages for a missing link in a
// path, a block the node does not have (offline, or not found) and an
// MFS path that does not exist.
func notFound(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{
		"no link named",
		"not found locally",
		"could not find",
		"file does not exist",
	} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// readError turns a non-200 answer into an *Error.
func readError(cmd string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, jsonLimit))
	var body struct{ Message string }
	msg := ""
	if json.Unmarshal(b, &body) == nil {
		msg = body.Message
	}
	if msg == "" {
		msg = trimmed(b)
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &Error{Call: cmd, Status: resp.StatusCode, Message: msg}
}
