package paywall

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/golang-jwt/jwt/v5"
)

// Token errors, answered 401 (or 403 for another stream's token).
var (
	ErrNoToken     = errors.New("no session token")
	ErrBadToken    = errors.New("invalid session token")
	ErrOtherStream = errors.New("session token is for another stream")
)

// Claims are what a session token binds: a channel, a session, a stream
// (the audience).
type Claims struct {
	Channel string `json:"ch"`
	Session string `json:"sid"`
	jwt.RegisteredClaims

	channel common.Hash // Channel decoded, once Parse has checked it
}

// ChannelID is the channel the session spends from.
func (c *Claims) ChannelID() common.Hash {
	if c.channel != (common.Hash{}) {
		return c.channel
	}
	return common.HexToHash(c.Channel)
}

const issuer = "livegate"

// Sessions issues and checks session tokens: HS256 JWTs, short-lived, the
// algorithm pinned so "none" or an RSA/HMAC confusion cannot get through.
type Sessions struct {
	secret  []byte
	TTL     time.Duration
	Now     func() time.Time
	parser  *jwt.Parser
	renewer *jwt.Parser // parser, but taking tokens expired up to RenewWithin ago

	// verified remembers tokens already checked, so a player's every
	// segment does not cost an HMAC and a JSON parse. Only what passed the
	// full check is kept, and its expiry is still enforced.
	verified sync.Map // token -> *Claims
	cached   atomic.Int64
}

// maxToken bounds a token before it is decoded: ours are about 300
// bytes.
const maxToken = 1024

// maxCached bounds the verified-token cache; past it, it starts over.
const maxCached = 100_000

// RenewWithin is how long after its expiry a session token still renews
// through a playlist. Safari, iOS and VLC reload a media playlist by the
// URL they first got, token and all, for as long as they play: the
// playlist must keep handing out fresh tokens for its segments. The money
// is guarded by the channel's credit, not by the token's age.
const RenewWithin = 24 * time.Hour

// NewSessions makes a token issuer with a secret of at least 32 bytes.
func NewSessions(secret []byte, ttl time.Duration) (*Sessions, error) {
	if len(secret) < 32 {
		return nil, errors.New("session secret must be at least 32 bytes")
	}
	s := &Sessions{secret: secret, TTL: ttl, Now: time.Now}
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return s.Now() })}
	s.parser = jwt.NewParser(opts...)
	s.renewer = jwt.NewParser(append(opts, jwt.WithLeeway(RenewWithin))...)
	return s, nil
}

// LoadSecret reads the token secret from path, making one the first time,
// so sessions survive a restart.
func LoadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		secret, err := hex.DecodeString(string(b))
		if err != nil || len(secret) < 32 {
			return nil, fmt.Errorf("%s: not a 32-byte hex secret (delete it to make a new one; open sessions end)", path)
		}
		return secret, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(secret)), 0o600); err != nil {
		return nil, err
	}
	return secret, nil
}

// NewSessionID makes a random session id.
func NewSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Issue makes a token for a session on a stream.
func (s *Sessions) Issue(stream string, channel common.Hash, session string) (string, time.Time, error) {
	now := s.Now()
	exp := now.Add(s.TTL)
	c := Claims{Channel: channel.Hex(), Session: session, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: issuer, Audience: jwt.ClaimStrings{stream},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
	return tok, exp, err
}

// Parse checks a token and that it is for stream.
func (s *Sessions) Parse(token, stream string) (*Claims, error) {
	if token == "" {
		return nil, ErrNoToken
	}
	if len(token) > maxToken {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrBadToken, maxToken)
	}
	if v, ok := s.verified.Load(token); ok {
		c := v.(*Claims)
		if s.Now().Before(c.ExpiresAt.Time) {
			if c.Audience[0] != stream {
				return nil, ErrOtherStream
			}
			cc := *c
			return &cc, nil
		}
		s.verified.Delete(token)
		s.cached.Add(-1)
	}
	var c Claims
	_, err := s.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.secret, nil })
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	if !isHash(c.Channel) || c.Session == "" {
		return nil, fmt.Errorf("%w: missing channel or session", ErrBadToken)
	}
	if len(c.Audience) != 1 {
		return nil, fmt.Errorf("%w: one audience (the stream) expected", ErrBadToken)
	}
	if s.cached.Add(1) > maxCached {
		s.verified.Clear()
		s.cached.Store(1)
	}
	c.channel = common.HexToHash(c.Channel)
	cc := c
	s.verified.Store(token, &cc)
	if c.Audience[0] != stream {
		return nil, ErrOtherStream
	}
	return &c, nil
}

// Renewable checks a token for a playlist, which renews it: like Parse,
// but a token expired less than RenewWithin ago passes.
func (s *Sessions) Renewable(token, stream string) (*Claims, error) {
	if c, err := s.Parse(token, stream); err == nil || !errors.Is(err, ErrBadToken) {
		return c, err
	}
	if len(token) > maxToken {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrBadToken, maxToken)
	}
	var c Claims
	if _, err := s.renewer.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.secret, nil }); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	if !isHash(c.Channel) || c.Session == "" || len(c.Audience) != 1 {
		return nil, fmt.Errorf("%w: missing channel, session or stream", ErrBadToken)
	}
	if c.Audience[0] != stream {
		return nil, ErrOtherStream
	}
	return &c, nil
}

// isHash accepts 0x and 64 hex digits.
func isHash(s string) bool {
	if len(s) != 66 || s[:2] != "0x" {
		return false
	}
	_, err := hex.DecodeString(s[2:])
	return err == nil
}

// Fresh says whether a token should be replaced: less than half its life left.
func (s *Sessions) Fresh(c *Claims) bool {
	return c.ExpiresAt != nil && c.ExpiresAt.Sub(s.Now()) > s.TTL/2
}

func decodeHex(s string) ([]byte, error) {
	if len(s) < 2 || s[:2] != "0x" {
		return nil, errors.New("no 0x")
	}
	return hex.DecodeString(s[2:])
}
