package chain_test

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
	"github.com/livegate/livegate/internal/testenv"
)

// flakyRPC sits between the watcher and a real node's JSON-RPC and breaks
// the way public endpoints break: errors, garbage, silence.
type flakyRPC struct {
	mode  atomic.Value // "ok", "503", "garbage", "hang"
	proxy *httputil.ReverseProxy
}

func (f *flakyRPC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch f.mode.Load() {
	case "503":
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
	case "garbage":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":`))
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	default:
		f.proxy.ServeHTTP(w, r)
	}
}

func TestWatcherSurvivesRPCFailures(t *testing.T) {
	key, _ := crypto.GenerateKey()
	me := crypto.PubkeyToAddress(key.PublicKey)
	dev, err := devchain.Start(devchain.Config{Addr: "127.0.0.1:0",
		Alloc: types.GenesisAlloc{me: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := chain.Deploy(ctx, dev.Client, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(dev.URL)
	flaky := &flakyRPC{proxy: httputil.NewSingleHostReverseProxy(target)}
	flaky.mode.Store("ok")
	srv := httptest.NewServer(flaky)
	defer srv.Close()
	rpc, err := ethclient.Dial(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.LogBuffer{}
	w := &chain.Watcher{Source: rpc, Contract: c.Address, Poll: 10 * time.Millisecond,
		CallTimeout: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()

	open := func(k *ecdsa.PrivateKey) [32]byte {
		id, _, err := c.Open(ctx, k, me, me, time.Now().Add(time.Hour), big.NewInt(1000))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := open(key)
	testenv.Eventually(t, "the first channel is seen", func() bool { _, ok := w.Channel(first); return ok })

	var second [32]byte
	for _, mode := range []string{"503", "garbage", "hang"} {
		flaky.mode.Store(mode)
		before := w.Status().Failures
		if mode == "503" {
			second = open(key) // opened while the watcher cannot see
		}
		testenv.Eventually(t, "the watcher reports "+mode, func() bool {
			st := w.Status()
			return st.Err != nil && st.Failures >= before+2
		})
	}
	if _, ok := w.Channel(second); ok {
		t.Error("a channel appeared while the RPC was down")
	}
	select {
	case <-done:
		t.Fatal("the watcher stopped on RPC errors")
	default:
	}
	flaky.mode.Store("ok")
	testenv.Eventually(t, "the watcher recovers", func() bool {
		_, ok := w.Channel(second)
		return ok && w.Status().Err == nil
	})
	if l := logs.String(); !strings.Contains(l, "cannot sync, retrying") || !strings.Contains(l, "syncing again") {
		t.Errorf("failures and recovery not logged:\n%s", l)
	}
	cancel()
	<-done
}
