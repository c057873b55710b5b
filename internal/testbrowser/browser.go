// Package testbrowser drives Debian's headless Chromium through
// chromedriver (the W3C WebDriver protocol over HTTP), so tests can check
// what a viewer's or a broadcaster's browser really does with livegate's
// output: hls.js playback, WebRTC publishing, pages.
//
// It speaks only the few WebDriver commands tests need (open a URL, run a
// script, take a screenshot) rather than pulling in a Selenium client.
package testbrowser

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
)

// Browser is one headless Chromium session.
type Browser struct {
	t       testing.TB // nil for a Launch outside tests
	base    string     // chromedriver's session URL
	client  *http.Client
	driver  *exec.Cmd
	profile string // Chromium's user data directory, a Launch's own
	timeout time.Duration
}

// Start launches chromedriver and a headless Chromium that autoplays
// media with sound and gives getUserMedia a fake camera and microphone.
// Both stop when the test ends. A machine without chromium or
// chromedriver skips the test (fails it in CI, see testenv.Tool).
func Start(t testing.TB) *Browser {
	t.Helper()
	driverPath := testenv.Tool(t, "chromedriver")
	chromium := testenv.Tool(t, "chromium")
	b, err := launch(chromium, driverPath, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b.t = t
	t.Cleanup(b.Close)
	return b
}

// Launch is Start for a program (a load tool) rather than a test: the
// same Chromium, from the paths given ("" looks chromium and chromedriver
// up in PATH); the caller ends it with Close. Outside a test, use the
// methods that return errors (Navigate, Eval, Screenshot): Open, MustEval,
// Poll, OnNewDocument and BypassCSP fail a test and need Start's.
func Launch(chromium, chromedriver string) (*Browser, error) {
	var err error
	if chromium == "" {
		if chromium, err = exec.LookPath("chromium"); err != nil {
			return nil, fmt.Errorf("no chromium to launch (apt install chromium): %w", err)
		}
	}
	if chromedriver == "" {
		if chromedriver, err = exec.LookPath("chromedriver"); err != nil {
			return nil, fmt.Errorf("no chromedriver to launch (apt install chromium-driver): %w", err)
		}
	}
	profile, err := os.MkdirTemp("", "testbrowser-")
	if err != nil {
		return nil, err
	}
	b, err := launch(chromium, chromedriver, profile)
	if err != nil {
		_ = os.RemoveAll(profile)
		return nil, err
	}
	b.profile = profile
	return b, nil
}

// launch starts chromedriver and a Chromium session whose user data
// lives in profile. On an error nothing it started is left running.
func launch(chromium, driverPath, profile string) (b *Browser, err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logs := &testenv.LogBuffer{}
	driver := exec.Command(driverPath, fmt.Sprintf("--port=%d", port), "--allowed-ips=127.0.0.1")
	driver.Stdout, driver.Stderr = logs, logs
	if err := driver.Start(); err != nil {
		return nil, fmt.Errorf("chromedriver: %w", err)
	}
	b = &Browser{client: &http.Client{Timeout: 60 * time.Second}, driver: driver, timeout: 60 * time.Second}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := b.call(http.MethodGet, root+"/status", nil, &st); err == nil && st.Ready {
			break
		}
		if time.Now().After(deadline) {
			return b, fmt.Errorf("chromedriver did not come up within 20 s:\n%s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	args := []string{
		"--headless=new",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--no-first-run",
		"--autoplay-policy=no-user-gesture-required",
		"--use-fake-device-for-media-stream",
		"--use-fake-ui-for-media-stream",
		"--window-size=1280,900",
		"--user-data-dir=" + profile,
	}
	if os.Geteuid() == 0 { // CI machines run as root; Chromium's sandbox refuses that
		args = append(args, "--no-sandbox")
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"goog:chromeOptions": map[string]any{"binary": chromium, "args": args},
	}}}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(http.MethodPost, root+"/session", caps, &sess); err != nil {
		return b, fmt.Errorf("starting chromium: %w\n%s", err, logs)
	}
	b.base = root + "/session/" + sess.SessionID
	// Scripts may wait (for playback, for a connection): let them.
	if err := b.call(http.MethodPost, b.base+"/timeouts", map[string]any{"script": 60000, "pageLoad": 30000}, nil); err != nil {
		return b, err
	}
	return b, nil
}

// Close ends the Chromium session and chromedriver (Start's test does it
// at its end).
func (b *Browser) Close() {
	if b.base != "" {
		_ = b.call(http.MethodDelete, b.base, nil, nil)
		b.base = ""
	}
	if b.driver != nil {
		_ = b.driver.Process.Kill()
		_ = b.driver.Wait()
		b.driver = nil
	}
	if b.profile != "" {
		_ = os.RemoveAll(b.profile)
		b.profile = ""
	}
}

// Open loads url and waits for the page's load event.
func (b *Browser) Open(url string) {
	b.t.Helper()
	if err := b.Navigate(url); err != nil {
		b.t.Fatal(err)
	}
}

// Navigate is Open returning its error.
func (b *Browser) Navigate(url string) error {
	if err := b.call(http.MethodPost, b.base+"/url", map[string]any{"url": url}, nil); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	return nil
}

// OnNewDocument has script run in every page before the page's own
// scripts (a Chrome DevTools command through chromedriver), as a browser
// extension injects its objects.
func (b *Browser) OnNewDocument(script string) {
	b.t.Helper()
	body := map[string]any{"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": map[string]any{"source": script}}
	if err := b.call(http.MethodPost, b.base+"/goog/cdp/execute", body, nil); err != nil {
		b.t.Fatalf("injecting a script: %v", err)
	}
}

// BypassCSP exempts the pages of this session from their
// Content-Security-Policy, as a browser extension's own requests are: for
// stand-ins of extensions (a wallet) whose code runs inside the page.
func (b *Browser) BypassCSP() {
	b.t.Helper()
	body := map[string]any{"cmd": "Page.setBypassCSP", "params": map[string]any{"enabled": true}}
	if err := b.call(http.MethodPost, b.base+"/goog/cdp/execute", body, nil); err != nil {
		b.t.Fatalf("bypassing the Content-Security-Policy: %v", err)
	}
}

// Eval runs script (a function body: use return) with args in the page
// and decodes its result into out (which may be nil).
func (b *Browser) Eval(out any, script string, args ...any) error {
	if args == nil {
		args = []any{}
	}
	return b.call(http.MethodPost, b.base+"/execute/sync", map[string]any{"script": script, "args": args}, out)
}

// MustEval is Eval that fails the test on an error.
func (b *Browser) MustEval(out any, script string, args ...any) {
	b.t.Helper()
	if err := b.Eval(out, script, args...); err != nil {
		b.t.Fatalf("script failed: %v\n%s", err, script)
	}
}

// Screenshot saves a PNG of the window at path.
func (b *Browser) Screenshot(path string) error {
	var data string
	if err := b.call(http.MethodGet, b.base+"/screenshot", nil, &data); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// Poll evaluates script every 200 ms until it returns true, for at most
// d; it fails the test with what describe returns (a script too) if the
// time runs out.
func (b *Browser) Poll(what string, d time.Duration, script, describe string) {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for {
		var ok bool
		err := b.Eval(&ok, script)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			var state any
			_ = b.Eval(&state, describe)
			b.t.Fatalf("%s: not within %v (last error %v); page state: %v", what, d, err, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// call sends one WebDriver command and unwraps its {"value": ...}.
func (b *Browser) call(method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout+10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: %d %.200s", method, url, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.Value, &e)
		msg, _, _ := strings.Cut(e.Message, "\n  (Session info")
		return fmt.Errorf("webdriver %s: %s", e.Error, msg)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Value, out)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RepoRoot is the module's root, found from this file, for the tests that
// serve files from node_modules.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
