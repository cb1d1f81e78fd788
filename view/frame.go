package view

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view/player"
)

// View implements tea.Model: the whole screen, in the alternate screen.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "tcpwave · " + scenarioTitle(m.lang, m.play.Scenario())
	v.SetContent(m.frame())
	return v
}

// Frame returns the screen as text with its escape sequences; ansi.Strip gives what a
// user reads.
func (m *Model) Frame() string { return m.frame() }

// screen is where each part of the frame goes, for one size.
type screen struct {
	wide           bool
	diagY, diagH   int
	sepY           int
	epY            int
	tmX, tmY, tmH  int
	narSepY        int
	narY, narH     int
	helpY, helpH   int
	paneW, timersW int
}

func (m *Model) layout(helpH int) screen {
	w, h := m.width, m.height
	// Endpoints and timers side by side only when both get room; otherwise stacked,
	// with a third timer row on taller screens.
	s := screen{wide: w >= 150, helpH: helpH}
	timersH := 2
	if h >= 30 {
		timersH = 3
	}
	if s.wide {
		timersH = 0
	}
	// The narration grows with the screen, so that a lesson reads in one page where
	// there is room for it (a Chinese TIME_WAIT lesson is four lines at 120 columns).
	s.narH = 4
	switch {
	case h < 22:
		s.narH = 3
	case h >= 60:
		s.narH = 10
	case h >= 45:
		s.narH = 8
	case h >= 30:
		s.narH = 6
	}
	// A drill's question takes the rows it needs, leaving the diagram two at least.
	s.narH = max(s.narH, min(max(m.drillRows()+len(m.pollTally(w)), len(m.pollLines(w-2))), h-(1+1+1+3+timersH+1+helpH)-2))
	fixed := 1 + 1 + 1 + 3 + timersH + 1 + s.narH + helpH
	s.diagY = 2
	s.diagH = max(1, h-fixed)
	s.sepY = s.diagY + s.diagH
	s.epY = s.sepY + 1
	s.paneW = w
	if s.wide {
		s.paneW = max(66, min(80, w/2))
		s.tmX, s.tmY, s.tmH = s.paneW+1, s.epY, 3
		s.timersW = w - s.tmX
	} else {
		s.tmX, s.tmY, s.tmH = 0, s.epY+3, timersH
		s.timersW = w
	}
	s.narSepY = s.tmY + s.tmH
	if s.wide {
		s.narSepY = s.epY + 3
	}
	s.narY = s.narSepY + 1
	s.helpY = s.narY + s.narH
	return s
}

func (m *Model) frame() string {
	w, h := m.width, m.height
	if w < MinWidth || h < MinHeight {
		return m.tooSmall()
	}
	helpStr := m.helpView(w, m.help.ShowAll)
	helpH := strings.Count(helpStr, "\n") + 1
	if helpH > h/3 {
		// No room for the full help on this screen: the short one.
		helpStr = m.helpView(w, false)
		helpH = strings.Count(helpStr, "\n") + 1
	}
	s := m.layout(helpH)
	m.scr = s
	tall := s.diagH >= 36
	if m.diag == nil || m.diag.tl != m.tl || m.diag.width != w || m.diag.tall() != tall || m.diag.absolute != m.absolute {
		m.diag = m.layouts.get(m.tl, w, tall, m.absolute)
	}
	g := &m.g
	g.reset(w, s.helpY)

	m.drawHeader(g, w)
	if lines, p := m.overlay(w - 2); p != nil {
		// The legend, or the drill's summary: over everything but the header and help.
		p.draw(g, m.lang, lines, 1, 1, w-2, s.helpY-1)
		return m.finish(g, helpStr)
	}
	if m.picker != nil {
		m.picker.draw(g, 1, 1, w-2, s.sepY-1)
	} else {
		if m.diag.tooBig == nil {
			m.drawNames(g, 1)
		}
		m.diag.lang = m.lang
		m.diag.draw(g, 0, s.diagY, s.diagH, m.play.Cursor(), m.play.Now(), true)
		if m.play.Cursor() == 0 && m.play.Now() == 0 && m.diag.tooBig == nil && m.card == nil {
			m.drawAbout(g, s.diagY+2, s.diagH-2, w)
		}
		if m.card != nil {
			m.drawCard(g, w, 1, s.sepY)
		}
	}

	// Pane titles.
	g.hline(0, w, s.sepY, '─', stDim)
	g.text(1, s.sepY, " "+m.lang.t("ui.endpoints")+" ", stStrong, w)
	if s.wide {
		g.set(s.tmX-1, s.sepY, '┬', stDim)
		g.text(s.tmX+1, s.sepY, " Timers ", stStrong, w)
		for y := s.epY; y < s.epY+3; y++ {
			g.set(s.tmX-1, y, '│', stDim)
		}
	}
	m.drawEndpoints(g, 0, s.epY, s.paneW)
	m.drawTimers(g, s.tmX, s.tmY, s.timersW, s.tmH, !s.wide)
	g.hline(0, w, s.narSepY, '─', stDim)
	if s.wide {
		g.set(s.tmX-1, s.narSepY, '┴', stDim)
	}
	title := m.lang.t("ui.what-happened")
	if m.drillRows() > 0 && m.drill.phase == drillAsking || m.polling() {
		title = m.lang.t("drill.pane")
	}
	g.text(1, s.narSepY, " "+title+" ", stStrong, w)
	m.drawNarration(g, 1, s.narY, w-2, s.narH)
	return m.finish(g, helpStr)
}

// finish writes the grid and the help under it.
func (m *Model) finish(g *grid, helpStr string) string {
	b := g.appendTo(m.buf[:0], &m.styles)
	b = append(b, '\n')
	b = append(b, helpStr...)
	m.buf = b
	return string(b)
}

// overlayOpen reports whether a page (the legend, the drill's summary) covers the
// diagram.
func (m *Model) overlayOpen() bool {
	_, p := m.overlay(m.width - 2)
	return p != nil
}

// overlay is the page shown over the diagram and panes, with its lines at width w:
// the legend, or the drill's summary; nil for none.
func (m *Model) overlay(w int) ([]narLine, *pager) {
	switch {
	case m.legend != nil:
		return m.legendLines(w), m.legend
	case m.drill != nil && m.drill.phase == drillDone:
		return m.drillSummary(w), &m.drill.page
	}
	return nil, nil
}

// drawAbout writes the scenario's explanation across the empty diagram before the
// first event, with how to start.
func (m *Model) drawAbout(g *grid, y, h, w int) {
	if h < 3 {
		return
	}
	// Nothing is drawn below the first row yet: the whole width is free.
	x0, width := 2, min(w-4, 100)
	text := scenarioExplanation(m.lang, m.play.Scenario())
	if !m.play.Forkable() {
		text = inferredNote(m.lang, m.tl, m.tl.At(0)).why // where the capture was taken
	}
	lines := wrap(text, width, nil)
	room := h - 1
	for i, l := range lines {
		if i >= room {
			break
		}
		s := text[l[0]:l[1]]
		if i == room-1 && len(lines) > room {
			s = fitText(s+" …", width)
		}
		g.text(x0, y+i, s, stDim, x0+width)
	}
	start := m.lang.t("ui.about.start")
	if !m.tl.Forkable() {
		start = m.lang.t("ui.about.start.capture") // nothing to drop in a capture
	}
	g.text(x0, y+min(len(lines), room), start, stStrong, x0+width)
}

// helpView renders the help from the live bindings, cut to the width (bubbles/help
// can overrun its width by one item when there is no room for its ellipsis).
func (m *Model) helpView(w int, all bool) string {
	// The help changes only with the width, the live bindings and the styles: cache it.
	k := helpKey{width: w, all: all, styles: m.styleGen, play: m.play.Playing(), lang: m.lang}
	for i, b := range m.keys.all() {
		if b.Enabled() {
			k.enabled |= 1 << i
		}
	}
	if k == m.helpKey && m.helpStr != "" {
		return m.helpStr
	}
	m.helpKey, m.helpStr = k, m.renderHelp(w, all)
	return m.helpStr
}

// helpKey is what the rendered help depends on.
type helpKey struct {
	width   int
	all     bool
	styles  int
	play    bool
	lang    Lang
	enabled uint32
}

// renderHelp renders the full help, or the short help line: when the line is too
// wide, the least needed keys leave it first (see KeyMap.shortDrop), so that it always
// ends with ? help and quit.
func (m *Model) renderHelp(w int, all bool) string {
	h := m.help
	h.SetWidth(w)
	h.ShowAll = all
	var s string
	if all {
		s = h.View(m.keys)
	} else {
		h.SetWidth(0) // no cut by bubbles/help: the line is fitted here
		all := m.keys.ShortHelp()
		keep := make([]bool, len(all))
		for i := range keep {
			keep[i] = true
		}
		view := func() string {
			var items []key.Binding
			for i, b := range all {
				if keep[i] {
					items = append(items, b)
				}
			}
			return h.ShortHelpView(items)
		}
		s = view()
		for _, i := range shortDrop {
			if ansi.StringWidth(s) <= w {
				break
			}
			keep[i] = false
			s = view()
		}
	}
	if !strings.Contains(s, "\n") {
		if ansi.StringWidth(s) > w {
			s = ansi.Truncate(s, w-1, "…")
		}
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w-1, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// tooSmall says plainly what size is needed, in whatever room there is.
func (m *Model) tooSmall() string {
	msg := m.lang.t("ui.too-small", MinWidth, MinHeight, m.width, m.height)
	w, h := max(m.width, 1), max(m.height, 1)
	lines := wrap(msg, w, nil)
	var b strings.Builder
	for i, l := range lines {
		if i >= h {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(msg[l[0]:l[1]])
	}
	return b.String()
}

func (m *Model) drawHeader(g *grid, w int) {
	x := g.text(1, 0, "tcpwave", stTitle, w)
	x = g.text(x, 0, " · ", stDim, w)
	sep := false // a class's part is written: the title, if any, comes after " · "
	if cls := m.classHeader(false); cls != "" {
		// In a class, who drives comes first: the title gives way to it, and the
		// short form to the event counter.
		if w-x-textWidth(cls)-textWidth(m.headerRight(true, m.absolute)) < 1 {
			cls = m.classHeader(true)
		}
		x = g.text(x, 0, cls, stRetrans, w)
		sep = true
	}
	title := scenarioTitle(m.lang, m.play.Scenario())
	// The numbering is said where there is room, and always when absolute (relative
	// is the default, and the legend says so).
	right := m.headerRight(false, true)
	if w-x-textWidth(right)-1 < textWidth(title) {
		right = m.headerRight(false, m.absolute)
	}
	if w-x-textWidth(right)-1 < textWidth(title) {
		// Short form: the symbol alone says playing or paused.
		right = m.headerRight(true, m.absolute)
	}
	room := w - x - textWidth(right) - 1
	if sep {
		room -= 3
	}
	if room < textWidth(title) {
		if room < 4 {
			title = ""
		} else {
			title = fitText(title, room)
		}
	}
	if sep && title != "" {
		x = g.text(x, 0, " · ", stDim, w)
	}
	x = g.text(x, 0, title, stStrong, w)
	g.text(x, 0, right, stPlain, w)
}

// headerRight is the header after the title: profile, time, playing, speed, event,
// the numbering (if numbers), the drill's score, drops; short for a narrow screen.
func (m *Model) headerRight(short, numbers bool) string {
	symbol, word := "⏸", m.lang.t("ui.paused")
	if m.play.Playing() {
		symbol, word = "▶", m.lang.t("ui.playing")
	}
	if !short {
		symbol += " " + word
	}
	prof := m.play.Profile()
	if !m.play.Forkable() {
		prof = m.lang.t("ui.inferred") // a capture's states, not a profile's run
	}
	right := fmt.Sprintf(" · %s · t=%s s · %s · %s× · %d/%d", prof, secs(m.play.Now()), symbol,
		fmtSpeed(player.Speeds[m.play.Speed()]), m.play.Cursor()+1, m.tl.Len())
	if numbers {
		right += m.numbersHeader()
	}
	right += m.drillHeader()
	if n := m.play.Injected(); n > 0 {
		if short {
			right += fmt.Sprintf(" · %d✕", n)
		} else {
			right += " · " + m.lang.t("ui.dropped", n)
		}
	}
	return right
}

func fmtSpeed(f float64) string {
	if f == float64(int(f)) {
		return fmt.Sprint(int(f))
	}
	return fmt.Sprint(f)
}

// secs writes a virtual time in seconds with millisecond precision.
func secs(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

func (m *Model) drawNames(g *grid, y int) {
	d := m.diag
	ca, sa := clientAddr, serverAddr
	if a := m.opts.Addrs; a[0] != "" {
		ca, sa = a[0], a[1]
	}
	cn := m.lang.t("Client") + " " + ca
	sn := m.lang.t("Server") + " " + sa
	x := max(d.cols.timeW+1, d.cols.xl-textWidth(cn)/2)
	if x+textWidth(cn) > d.cols.xr-1 {
		x = max(0, d.cols.xl-textWidth(cn)+1)
	}
	g.text(x, y, cn, stClient, d.cols.xr-1)
	sx := min(d.cols.xr-textWidth(sn)/2, d.width-textWidth(sn))
	sx = max(sx, d.cols.xl+textWidth(cn)/2+2)
	g.text(sx, y, sn, stServer, d.width)
}

// drawEndpoints draws each side's state and sequence variables (relative to the ISNs,
// as the segment labels are), unread bytes, and what its app has been told.
func (m *Model) drawEndpoints(g *grid, x, y, w int) {
	ev := m.tl.At(m.play.Cursor())
	cols := [...]int{0, 8, 20, 28, 36, 44, 52}
	heads := [...]string{"", m.lang.t("ui.col.state"), "SND.UNA", "SND.NXT", "RCV.NXT", m.lang.t("ui.col.unread"), m.lang.t("ui.col.told")}
	for i, hd := range heads {
		g.text(x+1+cols[i], y, hd, stDim, x+w)
	}
	for s := model.A; s <= model.B; s++ {
		e := &ev.Snap[s]
		yy := y + 1 + int(s)
		st := stClient
		name := m.lang.t("Client")
		if s == model.B {
			st, name = stServer, m.lang.t("Server")
		}
		g.text(x+1, yy, name, st, x+w)
		g.text(x+1+cols[1], yy, e.State.String(), stStrong, x+w)
		var nb [3][12]byte
		nums := m.seqNums(e)
		for i, n := range nums {
			num := "      —" // no TCB: no sequence numbers
			// In SYN_SENT no SYN has come yet: RCV.NXT is not defined (RFC 9293 §3.10.7.3).
			if e.State != model.Closed && (i < 2 || e.State != model.SynSent) {
				num = string(fmt.Appendf(nb[i][:0], "%7d", n))
			}
			g.text(x+1+cols[2+i], yy, num, stPlain, x+w)
		}
		unread := "     —"
		if e.State != model.Closed {
			unread = fmt.Sprintf("%6d", e.RcvBuf)
		}
		g.text(x+1+cols[5], yy, unread, stPlain, x+w)
		told := "—"
		if names := e.Told.Names(); len(names) > 0 {
			told = strings.Join(names, ",")
		}
		g.text(x+1+cols[6], yy, told, stPlain, x+w)
	}
}

// timerName is how the timers pane names a timer.
func timerName(l Lang, k model.TimerKind, e *model.Endpoint) string {
	switch k {
	case model.TimerRetransmit:
		if e.ProbeArmed {
			return l.t("ui.timer.probe") // RFC 8985 tail loss probe timeout, before the RTO
		}
		if e.ReoArmed {
			return l.t("ui.timer.reorder") // RFC 8985 §6.3 RACK reordering timer
		}
		return l.t("ui.timer.rto", e.Backoff)
	case model.TimerDelayedAck:
		return l.t("ui.timer.delayed-ack")
	case model.TimerFinWait2:
		return "FIN_WAIT_2"
	case model.TimerTimeWait:
		return "2MSL"
	}
	return k.String()
}

// drawTimers draws every armed timer as a bar with its exact remaining time.
func (m *Model) drawTimers(g *grid, x, y, w, h int, titled bool) {
	ev := m.tl.At(m.play.Cursor())
	row := 0
	lx := x + 1
	if titled {
		lx = g.text(lx, y, m.lang.t("ui.timers"), stDim, x+w) + 1
	}
	total := 0
	for s := model.A; s <= model.B; s++ {
		for k := model.TimerKind(0); k < model.NumTimers; k++ {
			if ev.Snap[s].Timers[k].Armed {
				total++
			}
		}
	}
	if total == 0 {
		g.text(lx, y, m.lang.t("ui.no-timer"), stDim, x+w)
		return
	}
	for s := model.A; s <= model.B; s++ {
		e := &ev.Snap[s]
		for k := model.TimerKind(0); k < model.NumTimers; k++ {
			t := e.Timers[k]
			if !t.Armed {
				continue
			}
			if row == h-1 && total > h {
				g.text(lx, y+row, m.lang.t("ui.more-timers", total-row), stDim, x+w)
				return
			}
			st, bar := stClient, stBarA
			name := m.lang.t("Client") + " "
			if s == model.B {
				st, bar, name = stServer, stBarB, m.lang.t("Server")+" "
			}
			yy := y + row
			xx := g.text(lx, yy, name, st, x+w)
			g.text(xx, yy, timerName(m.lang, k, e), stStrong, x+w)
			xx = lx + 7 + 14
			rem := t.Remaining(m.play.Now())
			txt := fmt.Sprintf(" %8s s / %s s", secs(rem), secs(t.Length))
			// Every bar the same width, whatever its numbers.
			bw := max(4, min(40, x+w-xx-23))
			fill := 0
			if t.Length > 0 {
				fill = int((int64(bw)*int64(rem) + int64(t.Length) - 1) / int64(t.Length))
			}
			for i := 0; i < bw; i++ {
				if i < fill {
					g.set(xx+i, yy, '█', bar)
				} else {
					g.set(xx+i, yy, '░', stDim)
				}
			}
			g.text(xx+bw, yy, txt, stPlain, x+w)
			row++
		}
	}
}

// trimSecs writes a duration in seconds without needless zeros: "60", "0.22".
func trimSecs(d time.Duration) string {
	s := fmt.Sprintf("%.3f", d.Seconds())
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
