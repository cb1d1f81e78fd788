package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

func TestLoadLinger(t *testing.T) {
	sc, err := Parse("l.yaml", []byte("id: l\ntitle: t\nclient:\n  steps:\n    - do: linger\n      linger: 2s\n    - do: close\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st := sc.Apps[model.A].Steps[0]; st.Call != model.CallLinger || st.Linger != 2*time.Second {
		t.Errorf("step %+v, want linger 2s", st)
	}
	for _, c := range []struct{ yaml, want string }{
		{"    - do: linger\n", "l.yaml:5:9: field client.steps[0].linger: linger needs its time"},
		{"    - do: close\n      linger: 2s\n", "field client.steps[0].linger: only do: linger takes a linger time"},
		{"    - do: linger\n      linger: -2s\n", "field client.steps[0].linger: must not be negative"},
	} {
		_, err := Parse("l.yaml", []byte("id: l\ntitle: t\nclient:\n  steps:\n"+c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.yaml, err, c.want)
		}
	}
}
