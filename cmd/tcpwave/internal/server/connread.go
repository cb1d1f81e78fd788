package server

import (
	"time"
)

// A connection's read budget. x/crypto/ssh opens every channel with a fixed window of
// 2 MiB and decrypts whatever the client sends into it, whether or not anybody reads
// the channel: a session whose input has ended (a flood cut off, a program that has
// quit and is saying goodbye) kept its client's last 2 MiB in memory until the
// connection closed, and the server had decrypted every byte of it. 120 flooders did
// that at once: 294 MB of the 423 MB heap at a soak's peak were decrypted packets
// nobody would read.
//
// So the server reads each TCP connection through a token bucket: at once, as much
// as its sessions' input guards may need to see before they end a flood
// (MaxDroppedInput + InputBurst, and 64 KiB for the SSH framing and the handshake),
// and after that at a rate well above what its sessions may type
// (2 × MaxSessionsPerConn × InputRate: 64 KiB/s). A client that sends faster waits in
// TCP's flow control, in the kernel, at no cost to the server: neither memory nor
// decryption. What a channel can hold unread is bounded by the burst, not by the
// window.

// readBucket is one connection's read budget.
type readBucket struct {
	rate, burst float64 // bytes a second, and at once
	tokens      float64
	at          time.Time
}

// connReadBudget is the read budget of a connection for these settings.
func (c *Config) connReadBudget(now time.Time) *readBucket {
	burst := float64(c.MaxDroppedInput + c.InputBurst + 64<<10)
	return &readBucket{rate: float64(2 * c.MaxSessionsPerConn * c.InputRate), burst: burst, tokens: burst, at: now}
}

// minConnRead is the least a throttled read waits for, so that a client held to the
// rate is read in chunks, not byte by byte.
const minConnRead = 4 << 10

// take returns how many of want bytes may be read now (at least one), or how long to
// wait before asking again.
func (b *readBucket) take(want int, now time.Time) (n int, wait time.Duration) {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
	b.at = now
	need := float64(min(want, minConnRead))
	if b.tokens < need {
		return 0, time.Duration((need - b.tokens) / b.rate * float64(time.Second))
	}
	return min(want, int(b.tokens)), 0
}

// spend takes n bytes read from the bucket.
func (b *readBucket) spend(n int) { b.tokens -= float64(n) }
