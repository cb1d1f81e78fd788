package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// HostKeyName is the file name of the host key inside the data directory.
const HostKeyName = "ssh_host_ed25519_key"

// DefaultHostKeyPath is where the host key lives unless --host-key says otherwise:
// $XDG_DATA_HOME/tcpwave/ssh_host_ed25519_key, or ~/.local/share/tcpwave/... when
// XDG_DATA_HOME is unset or not absolute (the XDG spec says to ignore relative values).
// It never falls back to the working directory.
func DefaultHostKeyPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "tcpwave", HostKeyName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot find a data directory for the host key (no $XDG_DATA_HOME or $HOME); pass --host-key PATH")
	}
	return filepath.Join(home, ".local", "share", "tcpwave", HostKeyName), nil
}

// LoadOrCreateHostKey reads the ed25519 host key at path, or creates it (and its
// directory, mode 0700) with mode 0600 if it does not exist. created reports which.
// A key file that group or others can read or write is refused, as OpenSSH does: the
// server's identity would be forgeable.
//
// A symbolic link is refused rather than followed (a dangling one would have the key
// created through it, or fail to be, again and again).
func LoadOrCreateHostKey(path string) (signer gossh.Signer, created bool, err error) {
	return loadOrCreateHostKey(path, 2)
}

// maxHostKey bounds a host key file's size: a key is a few hundred bytes.
const maxHostKey = 64 << 10

func loadOrCreateHostKey(path string, tries int) (signer gossh.Signer, created bool, err error) {
	st, err := os.Lstat(path)
	switch {
	case err == nil:
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, false, fmt.Errorf("host key %s is a symbolic link; give the key file's own path", path)
		}
		if !st.Mode().IsRegular() {
			return nil, false, fmt.Errorf("host key %s is not a regular file", path)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			return nil, false, fmt.Errorf("host key %s is accessible by others (mode %04o); run: chmod 600 %s", path, perm, path)
		}
		data, err := readSmallFile(path, maxHostKey)
		if err != nil {
			return nil, false, fmt.Errorf("host key: %w", err)
		}
		signer, err := gossh.ParsePrivateKey(data)
		if err != nil {
			return nil, false, fmt.Errorf("host key %s: %w", path, err)
		}
		return signer, false, nil
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, false, fmt.Errorf("host key: %w", err)
	}

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create host key directory: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "tcpwave host key")
	if err != nil {
		return nil, false, fmt.Errorf("encode host key: %w", err)
	}
	// Write to a temporary file in the same directory and link it into place, so two
	// servers starting at once never see a half-written key and never overwrite each
	// other's: the loser of the race reads the winner's key.
	tmp, err := os.CreateTemp(dir, ".hostkey-*")
	if err != nil {
		return nil, false, fmt.Errorf("create host key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("create host key: %w", err)
	}
	if _, err := tmp.Write(pem.EncodeToMemory(block)); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("write host key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("write host key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("write host key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) && tries > 1 {
			return loadOrCreateHostKey(path, tries-1) // another server made it first
		}
		return nil, false, fmt.Errorf("create host key: %w", err)
	}
	signer, err = gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	return signer, true, nil
}

// Fingerprint is the SHA256 fingerprint of a public key as OpenSSH prints it.
func Fingerprint(k gossh.PublicKey) string { return gossh.FingerprintSHA256(k) }

// LoadAuthorizedKeys parses an OpenSSH authorized_keys file. An unreadable file, a
// malformed line or a file with no keys is an error: a typo must not silently open
// (or silently lock) the server.
func LoadAuthorizedKeys(path string) ([]gossh.PublicKey, error) {
	data, err := readSmallFile(path, maxAuthorizedKeys)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	var keys []gossh.PublicKey
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s:%d: not a public key (%v)", path, i+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no keys in the file", path)
	}
	return keys, nil
}

// maxAuthorizedKeys bounds an authorized_keys file: thousands of keys.
const maxAuthorizedKeys = 4 << 20

// readSmallFile reads a regular file of at most limit bytes. Anything else (a device
// such as /dev/zero, a FIFO, a directory, a larger file) is an error said plainly,
// found before the file is read: reading it would never end, or never start.
func readSmallFile(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d it may be", path, st.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is more than the %d bytes it may be", path, limit)
	}
	return data, nil
}
