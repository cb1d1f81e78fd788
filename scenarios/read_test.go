package scenarios

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// An app that does not read leaves bytes queued until it calls read().
func TestLateRead(t *testing.T) {
	sc, err := Parse("late.yaml", []byte(`
id: late-read
title: Late reader
client:
  reads: false
  steps:
    - at: 500ms
      do: read
    - on: eof
      do: close
server:
  steps:
    - do: write
      n: 50
    - after: 100ms
      do: close
`))
	if err != nil {
		t.Fatal(err)
	}
	tr := model.Run(sc, model.Linux()).Trace()
	for _, want := range []string{"500.000 app A read -> n=50", "500.000 app A read -> EOF", "500.000 app A close"} {
		if !strings.Contains(tr, want) {
			t.Errorf("trace lacks %q:\n%s", want, tr)
		}
	}
	if strings.Contains(tr, "RST") {
		t.Errorf("a reader that drained its buffer must close with FIN:\n%s", tr)
	}
}
