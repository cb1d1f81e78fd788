package server

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// TestHostKeySymlink: a dangling symbolic link as the host key path used to recurse
// for ever, writing a temporary file at each level. Any symbolic link is refused, at
// once, and nothing is left behind.
func TestHostKeySymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "key")
	if err := os.Symlink(filepath.Join(dir, "missing"), link); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadOrCreateHostKey(link)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("dangling link: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want the link alone", len(entries))
	}
	// A link to a good key is refused too: the path named must be the key's own.
	real := filepath.Join(dir, "real")
	if _, _, err := LoadOrCreateHostKey(real); err != nil {
		t.Fatal(err)
	}
	os.Remove(link)
	os.Symlink(real, link)
	if _, _, err := LoadOrCreateHostKey(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("link to a key: %v", err)
	}
}

// TestHostKeyRSA: an RSA host key the user gives is used, and is what it says.
func TestHostKeyRSA(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(k, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rsa")
	os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
	s, created, err := LoadOrCreateHostKey(path)
	if err != nil || created || s.PublicKey().Type() != "ssh-rsa" {
		t.Fatalf("RSA key: %v created=%v %v", err, created, s)
	}
}

// TestUnreadableFiles: a device, a FIFO or a huge file as the authorized keys or the
// host key is refused before it is read (reading /dev/zero never ended; a FIFO would
// block).
func TestUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, maxAuthorizedKeys+1), 0o600)
	for _, p := range []string{"/dev/zero", fifo, dir, big} {
		if _, err := LoadAuthorizedKeys(p); err == nil || !(strings.Contains(err.Error(), "not a regular file") || strings.Contains(err.Error(), "more than")) {
			t.Errorf("authorized keys %s: %v", p, err)
		}
	}
	os.Chmod(fifo, 0o600)
	if _, _, err := LoadOrCreateHostKey(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("host key FIFO: %v", err)
	}
}

// TestAgentForwardingRefused: asking to forward the agent (ssh -A) is answered no,
// since nothing is forwarded (it was answered yes).
func TestAgentForwardingRefused(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "agent")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req"} {
		if ok, err := sess.SendRequest(req, true, nil); ok || err != nil {
			t.Errorf("%s: answered %v (%v), want no", req, ok, err)
		}
	}
}
