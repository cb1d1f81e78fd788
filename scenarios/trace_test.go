package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

var update = flag.Bool("update", false, "rewrite testdata/traces/*.trace from the current model")

// Every catalog scenario under both profiles, compared with a reviewed trace. A change in
// the model's behaviour shows up here as a diff to read; rewrite with -update on purpose.
func TestGoldenTraces(t *testing.T) {
	for _, sc := range Catalog() {
		for _, profile := range model.ProfileNames {
			name := sc.ID + "." + profile
			t.Run(name, func(t *testing.T) {
				p, err := sc.ProfileFor(profile)
				if err != nil {
					t.Fatal(err)
				}
				got := model.Run(sc, p).Trace()
				path := filepath.Join("testdata", "traces", name+".trace")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./scenarios -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("trace of %s changed; diff it with testdata/traces/%s.trace (go test ./scenarios -update rewrites it)\n%s", name, name, firstDiff(string(want), got))
				}
			})
		}
	}
}

func firstDiff(a, b string) string {
	la, lb := splitLines(a), splitLines(b)
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
