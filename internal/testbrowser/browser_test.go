package testbrowser

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
)

// Launch gives a program the browser Start gives a test: it opens a page
// and runs a script there, and Close ends chromedriver (and with it the
// session's Chromium) and removes the profile it made.
func TestLaunchOpensAPageAndCloses(t *testing.T) {
	chromium, driver := testenv.Tool(t, "chromium"), testenv.Tool(t, "chromedriver")
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>launched</title><script>window.answer = 6 * 7</script>`))
	}))
	defer page.Close()

	b, err := Launch(chromium, driver)
	if err != nil {
		t.Fatal(err)
	}
	cmd, profile := b.driver, b.profile
	closed := false
	defer func() {
		if !closed {
			b.Close()
		}
	}()
	if err := b.Navigate(page.URL); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Title  string `json:"title"`
		Answer int    `json:"answer"`
	}
	if err := b.Eval(&got, `return {title: document.title, answer: window.answer}`); err != nil {
		t.Fatal(err)
	}
	if got.Title != "launched" || got.Answer != 42 {
		t.Errorf("the page says %+v, want its title and 42", got)
	}

	b.Close()
	closed = true
	if cmd.ProcessState == nil {
		t.Error("chromedriver was not waited for after Close")
	}
	if _, err := os.Stat(profile); !os.IsNotExist(err) {
		t.Errorf("the profile %s is still there after Close (%v)", profile, err)
	}
	if err := b.Navigate(page.URL); err == nil {
		t.Error("a closed browser still navigates")
	}
}
