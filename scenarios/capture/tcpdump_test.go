package capture

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// tcpdumpLine is one line of `tcpdump -r FILE -n -S -tt`: "0.050000 IP 10.0.0.2.80 >
// 10.0.0.1.50312: Flags [F.], seq 300, ack 101, win 65535, length 0".
var tcpdumpLine = regexp.MustCompile(`^(\d+)\.(\d{6}) IP6? (\S+) > (\S+): Flags \[([^\]]*)\](?:, seq (\d+)(?::(\d+))?)?(?:, ack (\d+))?, win (\d+)(?:, options \[([^\]]*)\])?, length (\d+)`)

// tcpdumpFlags maps tcpdump's flag letters to the model's flags.
func tcpdumpFlags(s string) model.Flags {
	var f model.Flags
	for _, c := range s {
		switch c {
		case 'S':
			f |= model.SYN
		case 'F':
			f |= model.FIN
		case 'R':
			f |= model.RST
		case 'P':
			f |= model.PSH
		case 'U':
			f |= model.URG
		case '.':
			f |= model.ACK
		}
	}
	return f
}

// TestTcpdumpReadsExports exports every catalog scenario under both profiles and at
// every capture point, has tcpdump read the file, and checks that it shows the
// segments the trace says pass that point, in the same order, with the same time,
// addresses, flags, absolute numbers and lengths, and that every checksum is correct.
func TestTcpdumpReadsExports(t *testing.T) {
	bin, err := exec.LookPath("tcpdump")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump is missing (.ci/run installs it)")
		}
		t.Skip("tcpdump not installed")
	}
	dir := t.TempDir()
	for _, sc := range catalog() {
		for _, prof := range profiles {
			tl := runOf(t, sc, prof)
			for _, at := range []Point{AtLink, AtClient, AtServer} {
				name := fmt.Sprintf("%s-%s-%s", sc.ID, prof, at)
				path := filepath.Join(dir, name+".pcap")
				var b bytes.Buffer
				if err := Export(&b, tl, at); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(bin, "-r", path, "-n", "-S", "-tt", "-v").CombinedOutput()
				if err != nil {
					t.Fatalf("%s: tcpdump: %v\n%s", name, err, out)
				}
				checkTcpdump(t, name, string(out), want(tl, at), tl)
			}
		}
	}
}

// want is what the trace says passes point at: the send lines (link), or a host's
// own sends and the recv lines of the segments that reach it.
func want(tl *model.Timeline, at Point) []*model.Event {
	host, isHost := at.host()
	var out []*model.Event
	for i := range tl.Events {
		ev := &tl.Events[i]
		switch {
		case ev.Kind == model.EvSend && (!isHost || tl.Segments[ev.Seg].From == host):
		case ev.Kind == model.EvRecv && isHost && ev.Side == host:
		default:
			continue
		}
		out = append(out, ev)
	}
	return out
}

// checkTcpdump compares tcpdump's verbose output with the trace's events.
func checkTcpdump(t *testing.T, name, out string, evs []*model.Event, tl *model.Timeline) {
	t.Helper()
	if strings.Contains(out, "incorrect") {
		t.Errorf("%s: tcpdump finds a bad checksum:\n%s", name, out)
	}
	pkts := joinVerbose(out)
	if len(pkts) != len(evs) {
		t.Fatalf("%s: tcpdump shows %d packets, the trace %d segments passing the point\n%s", name, len(pkts), len(evs), out)
	}
	for i, line := range pkts {
		ev := evs[i]
		seg := &tl.Segments[ev.Seg]
		m := tcpdumpLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: tcpdump line %d unreadable: %s", name, i+1, line)
		}
		src, dst := ClientAddr, ServerAddr
		if seg.From == model.B {
			src, dst = dst, src
		}
		us := atoi(m[1])*1e6 + atoi(m[2])
		wantSeq := seg.Seq
		ok := us == uint64(ev.T.Microseconds()) &&
			m[3] == fmt.Sprintf("%s.%d", src.Addr(), src.Port()) &&
			m[4] == fmt.Sprintf("%s.%d", dst.Addr(), dst.Port()) &&
			tcpdumpFlags(m[5]) == seg.Flags &&
			atoi(m[11]) == uint64(seg.Len)
		if m[6] != "" && atoi(m[6]) != uint64(wantSeq) {
			ok = false
		}
		if m[6] == "" && (seg.Len > 0 || seg.Flags&(model.SYN|model.FIN|model.RST) != 0) {
			ok = false // tcpdump prints seq for these
		}
		if seg.Flags.Has(model.ACK) != (m[8] != "") || (m[8] != "" && atoi(m[8]) != uint64(seg.Ack)) {
			ok = false
		}
		// The SACK options (RFC 2018), as the model put them on the segment.
		wantOpts := ""
		switch {
		case seg.SACK.Permitted:
			wantOpts = "nop,nop,sackOK"
		case seg.SACK.N > 0:
			wantOpts = fmt.Sprintf("nop,nop,sack %d", seg.SACK.N)
			for i := range int(seg.SACK.N) {
				b := seg.SACK.Blocks[i]
				wantOpts += fmt.Sprintf(" {%d:%d}", b.Start, b.End)
			}
		}
		if m[10] != wantOpts {
			ok = false
		}
		if !ok {
			t.Errorf("%s: packet %d: tcpdump says\n  %s\nthe trace says\n  %s (absolute %s)", name, i+1, line, ev.TraceBody(tl), seg.LabelAbsolute())
		}
	}
}

// joinVerbose turns tcpdump -v's two lines a packet into tcpdump's one-line form:
// "T IP SRC > DST: Flags [...], ...".
func joinVerbose(out string) []string {
	var res []string
	var ts string
	for _, l := range strings.Split(out, "\n") {
		if m := regexp.MustCompile(`^(\d+\.\d{6}) (IP6?) \(`).FindStringSubmatch(l); m != nil {
			ts = m[1] + " " + m[2]
			continue
		}
		if strings.HasPrefix(l, "    ") && ts != "" {
			body := strings.TrimSpace(l)
			body = regexp.MustCompile(`, cksum 0x[0-9a-f]+ \(correct\)`).ReplaceAllString(body, "")
			res = append(res, ts+" "+body)
			ts = ""
		}
	}
	return res
}

func atoi(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
