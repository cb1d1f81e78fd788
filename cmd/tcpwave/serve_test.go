package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	loose := filepath.Join(dir, "loose_key")
	// A key file others can read.
	if err := os.WriteFile(loose, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--max-sessions", "0"}, 2, "--max-sessions must be at least 1"},
		{[]string{"--max-per-ip", "-3"}, 2, "--max-per-ip must be at least 1"},
		{[]string{"--idle-timeout", "0s"}, 2, "--idle-timeout must be positive"},
		{[]string{"--max-session-time", "-1h"}, 2, "--max-session-time must be positive"},
		{[]string{"--idle-timeout", "soon"}, 2, "invalid value"},
		{[]string{"--listen", "2222"}, 2, "want HOST:PORT"},
		{[]string{"client-close"}, 2, "unexpected argument"},
		{[]string{"--profile", "bsd"}, 2, "bsd"},
		{[]string{"--nope"}, 2, "flag provided but not defined"},
		{[]string{"--host-key", filepath.Join(dir, "k"), "--authorized-keys", filepath.Join(dir, "missing")}, 1, "authorized keys"},
		{[]string{"--host-key", loose}, 1, "chmod 600"},
		{[]string{"--host-key", filepath.Join(dir, "k2"), "--listen", "256.1.1.1:2222"}, 1, "256.1.1.1"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut strings.Builder
			code := runServe(tc.args, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q, want it to mention %q", errOut.String(), tc.want)
			}
			if strings.Contains(errOut.String(), "panic") || strings.Contains(errOut.String(), "goroutine") {
				t.Errorf("stderr %q looks like a crash", errOut.String())
			}
		})
	}
}

func TestSSHScenario(t *testing.T) {
	cases := []struct {
		arg, user string
		id        string // "" when an error is expected
		errHas    []string
	}{
		{"", "alice", "client-close", nil},
		{"", "half-close", "half-close", nil},
		{"half-close", "alice", "half-close", nil},
		{"half-clse", "alice", "", []string{`unknown scenario "half-clse"`, `did you mean "half-close"`, "client-close, server-close"}},
		{"/etc/passwd", "alice", "", []string{"cannot be opened over SSH"}},
		{"../scenarios/catalog/01-client-close.yaml", "alice", "", []string{"cannot be opened over SSH"}},
		{"mine.yaml", "alice", "", []string{"cannot be opened over SSH"}},
		{"zzzzzzzzzzzz", "alice", "", []string{`unknown scenario "zzzzzzzzzzzz"; scenarios: `}},
	}
	for _, tc := range cases {
		sc, err := sshScenario(tc.arg, tc.user)
		if tc.id != "" {
			if err != nil || sc.ID != tc.id {
				t.Errorf("sshScenario(%q, %q) = %v, %v; want %s", tc.arg, tc.user, sc, err, tc.id)
			}
			continue
		}
		if err == nil {
			t.Errorf("sshScenario(%q, %q) = %s, want an error", tc.arg, tc.user, sc.ID)
			continue
		}
		for _, want := range tc.errHas {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("sshScenario(%q): error %q lacks %q", tc.arg, err, want)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("sshScenario(%q): error is not one line: %q", tc.arg, err)
		}
	}
}
