package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// TestClassEndToEnd runs a class with OpenSSH in tmux: a presenter (with the
// presenter key) and two followers at different sizes, one with a key of its own and
// one with none. The presenter steps and drops a segment; both followers show the ✕
// and the same event counter; one breaks away and steps back while the other keeps
// following; it rejoins; the presenter leaves and comes back; a follower's story keys
// do nothing while it follows.
func TestClassEndToEnd(t *testing.T) {
	c := startClass(t)
	e, tm, only, teacherKey, studentKey := c.served, c.tm, c.only, c.teacherKey, c.studentKey

	// The students come first: no class is running yet.
	a := tm.run(only(studentKey)+" a@127.0.0.1", 100, 30)
	// b has no key: keyboard-interactive, with no question asked (OpenSSH tries it
	// unless in batch mode).
	var interactive []string
	for i := 0; i < len(e.sshArgs); i++ {
		if e.sshArgs[i] == "-o" && e.sshArgs[i+1] == "BatchMode=yes" {
			i++
			continue
		}
		interactive = append(interactive, e.sshArgs[i])
	}
	b := tm.run("ssh "+strings.Join(quoteAll(interactive), " ")+" -o PubkeyAuthentication=no -tt b@127.0.0.1", 120, 40)
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "no class running", func(s string) bool { return strings.Contains(s, "no class running") })
	}
	teacher := tm.run(only(teacherKey)+" t@127.0.0.1", 100, 30)
	tm.waitScreen(teacher, "the presenter's header", func(s string) bool { return strings.Contains(s, "2 following, 0 exploring") })
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "following", func(s string) bool { return strings.Contains(s, "following the presenter") })
	}

	// The presenter steps to the final ACK, lets it fly, drops it, and steps on.
	tm.keys(teacher, "G")
	tm.waitScreen(teacher, "the end", func(s string) bool { return counter(s) != "" && strings.HasPrefix(counter(s), lastOf(s)) })
	tm.keys(teacher, "g", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l")
	tm.waitScreen(teacher, "the final ACK sent", func(s string) bool { return strings.Contains(s, "TIME_WAIT") })
	tm.keys(teacher, "l", "d", "l", "l")
	tm.waitScreen(teacher, "the drop", func(s string) bool { return dropped(s) })
	want := counter(tm.capture(teacher))
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "the presenter's drop and event "+want, func(s string) bool {
			return dropped(s) && counter(s) == want
		})
	}

	// A following student's story keys do nothing.
	tm.keys(a, "l", "l", "u", "p")
	tm.keys(a, "?") // a key that works, to know the others were read
	tm.waitScreen(a, "the help", func(s string) bool { return strings.Contains(s, "explore on your own") })
	if s := tm.capture(a); counter(s) != want || !strings.Contains(s, "linux") || !dropped(s) {
		t.Errorf("a follower changed the story:\n%s", s)
	}
	tm.keys(a, "?")

	// Student a breaks away and steps back; b keeps following the presenter.
	tm.keys(a, "f", "h", "h", "h", "u")
	tm.waitScreen(a, "exploring", func(s string) bool {
		return strings.Contains(s, "exploring on your own") && counter(s) != want && !dropped(s)
	})
	tm.waitScreen(teacher, "one explores", func(s string) bool { return strings.Contains(s, "1 following, 1 exploring") })
	tm.keys(teacher, "l", "l")
	want = stepped(want, 2)
	tm.waitScreen(teacher, "two steps on, "+want, func(s string) bool { return counter(s) == want })
	tm.waitScreen(b, "b follows on to "+want, func(s string) bool { return counter(s) == want })
	if counter(tm.capture(a)) == want {
		t.Errorf("an exploring student was moved by the presenter")
	}
	// Rejoin: where the presenter is now.
	tm.keys(a, "f")
	tm.waitScreen(a, "rejoined at "+want, func(s string) bool {
		return strings.Contains(s, "following the presenter") && counter(s) == want
	})

	// The presenter puts the drill's first question to the class: both students are
	// asked, b answers, the presenter sees the count and reveals.
	tm.keys(teacher, "t")
	tm.waitScreen(teacher, "the drill's question", func(s string) bool { return strings.Contains(s, "The class:") })
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "the class's question", func(s string) bool { return strings.Contains(s, "answer with 1–4") })
	}
	tm.keys(b, "2")
	tm.waitScreen(b, "the answer sent", func(s string) bool { return strings.Contains(s, "Your answer, 2, is in") })
	tm.waitScreen(teacher, "one answer counted", func(s string) bool {
		return strings.Contains(s, "2: 1") && strings.Contains(s, "1 yet to answer")
	})
	tm.keys(teacher, "1")
	tm.waitScreen(b, "the reveal", func(s string) bool { return strings.Contains(s, "the model") || strings.Contains(s, "✓") })
	tm.keys(teacher, "t") // leaves the drill, where its story is
	tm.waitScreen(teacher, "the drill left", func(s string) bool { return !strings.Contains(s, "The class:") })
	want = counter(tm.capture(teacher))
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "the question gone, at "+want, func(s string) bool {
			return !strings.Contains(s, "answer with 1–4") && counter(s) == want
		})
	}

	// The presenter leaves: the followers keep the last picture and are told.
	tm.keys(teacher, "q")
	tm.waitScreen(teacher, "ssh to exit", func(s string) bool { return strings.Contains(s, "SSH_EXIT=0") })
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "the presenter left", func(s string) bool {
			return strings.Contains(s, "The presenter left") && counter(s) == want
		})
	}
	// And comes back: following resumes, at the presenter's new story.
	teacher2 := tm.run(only(teacherKey)+" t@127.0.0.1 lost-final-ack", 100, 30)
	tm.waitScreen(teacher2, "the presenter back", func(s string) bool { return strings.Contains(s, "2 following") })
	for _, p := range []string{a, b} {
		tm.waitScreen(p, "the new story", func(s string) bool { return strings.Contains(s, "final ACK is lost") })
	}
	for _, want := range []string{"role=presenter", "role=follower"} {
		if !strings.Contains(e.log.String(), want) {
			t.Errorf("server log lacks %q", want)
		}
	}
}

// TestNamedRoomsEndToEnd: two teachers share one server, one in the room net101
// (ssh room-net101@HOST), one in the default room; each class follows its own
// teacher's story and only it, the named room's header says its name, and a user name
// that is no room's is refused with a message.
func TestNamedRoomsEndToEnd(t *testing.T) {
	c := startClass(t)
	e, tm, only, teacherKey, studentKey := c.served, c.tm, c.only, c.teacherKey, c.studentKey

	net101 := tm.run(only(teacherKey)+" room-net101@127.0.0.1 lost-final-ack", 100, 30)
	lobby := tm.run(only(teacherKey)+" t@127.0.0.1 client-close", 100, 30)
	s101 := tm.run(only(studentKey)+" room-net101@127.0.0.1", 100, 30)
	s101b := tm.run(only(studentKey)+" room-net101@127.0.0.1", 100, 30) // shares s101's frames
	sLobby := tm.run(only(studentKey)+" s@127.0.0.1", 100, 30)
	sLobbyB := tm.run(only(studentKey)+" s@127.0.0.1", 100, 30) // shares sLobby's frames
	tm.waitScreen(net101, "room net101's teacher", func(s string) bool {
		return strings.Contains(s, "room net101 · presenting: 2 following, 0 exploring")
	})
	tm.waitScreen(lobby, "the default room's teacher", func(s string) bool {
		return strings.Contains(s, "presenting: 2 following, 0 exploring") && !strings.Contains(s, "room ")
	})
	for _, p := range []string{s101, s101b} {
		tm.waitScreen(p, "room net101's story", func(s string) bool {
			return strings.Contains(s, "room net101 · following the presenter") && strings.Contains(s, "final ACK is lost")
		})
	}
	for _, p := range []string{sLobby, sLobbyB} {
		tm.waitScreen(p, "the default room's story", func(s string) bool {
			return strings.Contains(s, "following the presenter") && !strings.Contains(s, "final ACK is lost")
		})
	}
	// Room net101's teacher steps: only room net101's student moves.
	before := counter(tm.capture(sLobby))
	tm.keys(net101, "G")
	tm.waitScreen(net101, "the end", func(s string) bool { return counter(s) != "" && strings.HasPrefix(counter(s), lastOf(s)) })
	want := counter(tm.capture(net101))
	for _, p := range []string{s101, s101b} {
		tm.waitScreen(p, "room net101's step to "+want, func(s string) bool { return counter(s) == want })
	}
	tm.keys(lobby, "?") // a round trip through the default room's teacher
	tm.waitScreen(lobby, "the help", func(s string) bool { return strings.Contains(s, "close help") })
	for _, p := range []string{sLobby, sLobbyB} {
		if s := tm.capture(p); counter(s) != before || strings.Contains(s, "final ACK is lost") {
			t.Errorf("a default room's student moved with room net101's teacher: %s →\n%s", before, s)
		}
	}
	// A user name that is no room's: refused, with the reason.
	bad := tm.run(only(studentKey)+" room-Net_101!@127.0.0.1", 100, 30)
	tm.waitScreen(bad, "the refusal", func(s string) bool {
		return strings.Contains(s, "room's name") && strings.Contains(s, "SSH_EXIT=1")
	})
	if !strings.Contains(e.log.String(), "room=net101") {
		t.Errorf("the server log lacks room=net101")
	}
}

// class is a class served for an end-to-end test: the server, started with a
// presenter key, a tmux server, the ssh command line that logs in with one key only,
// and the teacher's (a presenter's) and a student's key files.
type class struct {
	served                 *served
	tm                     *tmuxServer
	only                   func(key string) string
	teacherKey, studentKey string
}

// startClass builds tcpwave and serves a class, with extra arguments for serve (ssh
// and tmux are needed: skipped without them, failed in CI).
func startClass(t *testing.T, extra ...string) class {
	for _, tool := range []string{"ssh", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI: %v", tool, err)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	teacherKey, teacherPub := writeKey(t, dir, "teacher")
	studentKey, _ := writeKey(t, dir, "student")
	presenters := filepath.Join(dir, "presenters")
	if err := os.WriteFile(presenters, gossh.MarshalAuthorizedKey(teacherPub), 0o600); err != nil {
		t.Fatal(err)
	}
	e := startServe(t, bin, filepath.Join(dir, "class"), append([]string{"--presenter-keys", presenters}, extra...)...)
	tm := newTmux(t, dir)
	only := func(key string) string { return e.sshCmd + " -o IdentitiesOnly=yes -i " + key + " -tt" }
	return class{served: e, tm: tm, only: only, teacherKey: teacherKey, studentKey: studentKey}
}

// dropped reports whether the header counts one drop ("1 dropped", or "1✕" when
// short).
func dropped(screen string) bool {
	first, _, _ := strings.Cut(screen, "\n")
	return strings.Contains(first, "1 dropped") || strings.Contains(first, "1✕")
}

var counterRE = regexp.MustCompile(`(\d+)/(\d+)`)

// counter is the header's event counter, "28/33", or "".
func counter(screen string) string {
	first, _, _ := strings.Cut(screen, "\n")
	return counterRE.FindString(first)
}

// stepped is counter c moved on by n events.
func stepped(c string, n int) string {
	m := counterRE.FindStringSubmatch(c)
	if m == nil {
		return c
	}
	at, _ := strconv.Atoi(m[1])
	return strconv.Itoa(at+n) + "/" + m[2]
}

// lastOf is the counter's total, "33/", for "at the last event".
func lastOf(screen string) string {
	m := counterRE.FindStringSubmatch(counter(screen))
	if m == nil {
		return "-"
	}
	return m[2] + "/"
}

// writeKey writes a new ed25519 key pair for OpenSSH in dir: the private key's path
// and the public key.
func writeKey(t *testing.T, dir, name string) (string, gossh.PublicKey) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "id_"+name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, _ := gossh.NewPublicKey(priv.Public())
	return path, pub
}
