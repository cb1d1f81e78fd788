package scenarios

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// parseAllocs parses src and reports the error and the bytes the parse allocated.
func parseAllocs(t *testing.T, src string) (error, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse("h.yaml", []byte(src))
	runtime.ReadMemStats(&after)
	return err, after.TotalAlloc - before.TotalAlloc
}

// TestDeepYAMLIsRefusedCheaply: files small but nested deep cost the YAML parser the
// square of their depth (a 40 KB file of [ took 1.3 GB); they are refused before it
// sees them, with where, and whatever is let through costs little.
func TestDeepYAMLIsRefusedCheaply(t *testing.T) {
	deepMap := "id: x\ntitle: X\nset:\n"
	for i := 1; i <= 200; i++ {
		deepMap += strings.Repeat(" ", i) + "k:\n"
	}
	cases := []struct {
		name, src, want string
	}{
		{"20000 [", "id: x\ntitle: X\nset: " + strings.Repeat("[", 20000), "h.yaml:3:2054: more than 2048 [ and { in the file"},
		{"100000 {", strings.Repeat("{", 100000), "h.yaml:1:2049: more than 2048 [ and {"},
		{"nested maps", deepMap, "h.yaml:68:65: indented 65 columns"},
		{"nested lists", "id: x\ntitle: X\nfaults:\n" + strings.Repeat("- ", 40) + "x\n", "h.yaml:4:80: indented 80 columns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err, alloc := parseAllocs(t, c.src)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if alloc > 1<<20 {
				t.Errorf("refusing it allocated %d KB", alloc>>10)
			}
		})
	}
	// Just under the limit: the parser's worst case is bounded.
	err, alloc := parseAllocs(t, "id: x\ntitle: X\nset: "+strings.Repeat("[", 2040)+strings.Repeat("]", 2040)+"\n")
	if err == nil {
		t.Error("2040 nested lists accepted as a set")
	}
	if alloc > 64<<20 {
		t.Errorf("2040 nested [ allocated %d MB", alloc>>20)
	}
}

// TestLaxYAMLIsRefused: what the decoder let pass silently is an error with its place,
// and the BOM some editors write is accepted.
func TestLaxYAMLIsRefused(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"fraction", "id: x\ntitle: X\nclient:\n  steps:\n    - do: write\n      n: 1.5\n", "h.yaml:6:10: want a whole number, got 1.5"},
		{"fraction nth", "id: x\ntitle: X\nfaults:\n  - {do: drop, side: client, nth: 2.5}\n", "h.yaml:4:35: want a whole number, got 2.5"},
		{"second document", "id: x\ntitle: X\n---\nid: y\ntitle: Y\n", "h.yaml:4:3: a second document"},
		{"anchor", "id: x\ntitle: &t X\n", "h.yaml:2:8: anchors and aliases"},
		{"alias cycle", "id: x\ntitle: X\nset: &a {k: *a}\n", "h.yaml:3:6: anchors and aliases"},
		{"alias", "id: x\ntitle: &t X\nexplanation: *t\n", "h.yaml:2:8: anchors and aliases"},
		{"huge delay", "id: x\ntitle: X\nlink: {delay: 1001h}\n", `h.yaml:3:15: field link.delay: too-long "1001h"`},
		{"overflowing delay", "id: x\ntitle: X\nlink: {delay: 9e12s}\n", `h.yaml:3:15: field link.delay: bad-duration "9e12s"`},
		{"unitless delay", "id: x\ntitle: X\nlink: {delay: 9e12}\n", `h.yaml:3:15: field link.delay: no-unit "9e12"`},
		{"huge fault delay", "id: x\ntitle: X\nfaults:\n  - {do: delay, side: client, delay: 2000h}\n", `h.yaml:4:38: field faults[0].delay: too-long "2000h"`},
		{"isn", "id: x\ntitle: X\nisn: {client: 4294967296, server: 1}\n", "h.yaml:3:15: field isn.client: want 0 to 4294967295"},
		{"too many steps", "id: x\ntitle: X\nclient:\n  steps:\n" + strings.Repeat("    - do: read\n", 300), "h.yaml:261:9: field client.steps[256]: more than 256 steps"},
		{"too many faults", "id: x\ntitle: X\nfaults:\n" + strings.Repeat("  - {do: drop, side: client}\n", 70), "h.yaml:68:5: field faults[64]: more than 64 faults"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("h.yaml", []byte(c.src))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
	sc, err := Parse("h.yaml", []byte("\xef\xbb\xbfid: bom\ntitle: With a BOM\n"))
	if err != nil || sc.ID != "bom" {
		t.Errorf("a file with a BOM: %v", err)
	}
}

// TestControlCharactersNeverReachTheTerminal: an escape sequence in a file is refused
// where it would be shown (title, explanation) and escaped in every error that quotes
// the file.
func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown field", "id: x\ntitle: X\n\"\\e]0;pwned\\a\": 1\n", `unknown field "\x1b]0;pwned\a"`},
		{"set key", "id: x\ntitle: X\nset:\n  \"\\e]0;pwned\\a\": 1\n", `field set.\x1b]0;pwned\a: unknown-knob`},
		{"set value", "id: x\ntitle: X\nset:\n  tcp_rfc1337: \"1\\e[2J\"\n", `not-a-switch "1\x1b[2J"`},
		{"title", "id: x\ntitle: \"T\\e]0;x\\a\"\n", "field title: holds the control character U+001B"},
		{"explanation", "id: x\ntitle: T\nexplanation: \"a\\u009b31m\"\n", "field explanation: holds the control character U+009B"},
		{"call", "id: x\ntitle: T\nclient:\n  steps:\n    - do: \"close\\e[2J\"\n", `unknown call "close\x1b[2J"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("h.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
			if strings.ContainsAny(err.Error(), "\x1b\a\u009b") {
				t.Errorf("raw control characters in %q", err)
			}
		})
	}
	// The file's name too.
	if _, err := LoadFile("/nonexistent/\x1b]0;x\a.yaml"); err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("a name with ESC: %q", err)
	}
}

// TestLoadFileReadsOnlyRegularFiles: /dev/zero was read for gigabytes before the size
// check, a FIFO blocked for ever.
func TestLoadFileReadsOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(2 << 20) // sparse: 2 MiB of nothing
	f.Close()
	cases := []struct{ path, want string }{
		{dir, "a directory, not a scenario file"},
		{big, "too large: 2097152 bytes"},
		{filepath.Join(dir, "missing.yaml"), "cannot read it: no such file or directory"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases, struct{ path, want string }{"/dev/zero", "not a regular file"})
	}
	if fifo := makeFIFO(t, dir); fifo != "" {
		cases = append(cases, struct{ path, want string }{fifo, "not a regular file"})
	}
	for _, c := range cases {
		_, err := LoadFile(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), c.path+": ") {
			t.Errorf("%s: got %v, want %q", c.path, err, c.want)
		}
	}
}
