package capture

import (
	"slices"
	"sort"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Inference is a connection of a capture made into a timeline, with what was
// assumed to make it.
type Inference struct {
	Timeline *model.Timeline
	// At is the capture point assumed.
	At Point
	// Delay is the estimated time between the capture point and each endpoint: A's
	// segments left A Delay[A] before the capture saw them, and segments to A reached it
	// Delay[A] after. At a host its own is 0.
	Delay [2]time.Duration
	// Start is the wall-clock time (since the Unix epoch) of the timeline's time zero.
	Start time.Duration
	// Findings counts the segments flagged (retransmissions, losses, gaps...).
	Findings int
}

// Infer builds the timeline of one connection (or of the connections one after the
// other on a 4-tuple) from its packets in capture order, taken at point at. Each
// endpoint's states are inferred from the segments it sent and received, by the rules
// of RFC 9293 §3.10 as Linux applies them; every state event names its rule (an
// inference rule of model), and segments of note carry a finding as their Why.
func Infer(pkts []Packet, client, server string, at Point) (*Inference, error) {
	if len(pkts) == 0 {
		return nil, problemf("the connection has no packets")
	}
	b := &builder{pkts: pkts, at: at}
	b.sides(client)
	b.answers()
	b.delays()
	b.losses()
	b.segments()
	b.replay()
	sc := &model.Scenario{
		ID:    "capture@" + at.String(), // the view reads the point back from here
		Title: client + " ⇄ " + server,
		Delay: [2]time.Duration{b.delay[model.A] + b.delay[model.B], b.delay[model.A] + b.delay[model.B]},
		ISN:   b.firstISS,
	}
	p := model.Linux()
	tl := model.External(sc, p, b.events, b.segs)
	return &Inference{Timeline: tl, At: at, Delay: b.delay, Start: b.t0, Findings: b.findings}, nil
}

// builder holds one inference's work.
type builder struct {
	pkts  []Packet
	at    Point
	side  []model.Side // of each packet: its sender
	delay [2]time.Duration
	lost  []bool // packets seen at their sender's side and lost after
	kind  []model.Rule
	retr  []int // copies of this packet's data sent before it
	// sentAt finds the earlier copies of a side's data by their first sequence number.
	sentAt map[seqKey]copies
	// answer is, for each packet, the next packet its receiver sent after it (in
	// capture order), or -1: how the receiver answered tells what state it was in.
	answer []int
	t0     time.Duration

	segs     []model.Segment
	events   []model.Event
	ep       [2]model.Endpoint
	firstISS [2]uint32
	findings int
}

// sides decides which endpoint sent each packet: A is the client.
func (b *builder) sides(client string) {
	b.side = make([]model.Side, len(b.pkts))
	for i := range b.pkts {
		if b.pkts[i].Src.String() != client {
			b.side[i] = model.B
		}
	}
}

// answers finds each packet's answer: the next packet its receiver sent.
func (b *builder) answers() {
	b.answer = make([]int, len(b.pkts))
	next := [2]int{-1, -1}
	for i := len(b.pkts) - 1; i >= 0; i-- {
		s := b.side[i]
		b.answer[i] = next[s.Peer()]
		next[s] = i
	}
}

// answeredWith reports whether packet i's receiver answered it with a segment that
// has the flags want (and, if exact, no others).
func (b *builder) answeredWith(i int, want model.Flags, exact bool) bool {
	a := b.answer[i]
	if a < 0 {
		return false
	}
	f := b.pkts[a].Flags
	if exact {
		return f == want
	}
	return f.Has(want)
}

// space is the sequence space a packet occupies.
func space(p *Packet) uint32 {
	n := uint32(p.Payload)
	if p.Flags.Has(model.SYN) {
		n++
	}
	if p.Flags.Has(model.FIN) {
		n++
	}
	return n
}

// delays estimates how far each endpoint is from the capture point, from the quickest
// answer that acknowledges new data (Karn's rule: not data that was sent twice): at a
// host the peer is half that round trip away, and the host itself nowhere; on the link,
// an endpoint is half the time between a segment to it and its answer.
func (b *builder) delays() {
	type sent struct {
		end   uint32
		t     time.Duration
		again bool
	}
	var out [2][]sent
	best := [2]time.Duration{-1, -1} // by the side that answered
	host, isHost := b.at.host()
	for i := range b.pkts {
		p, s := &b.pkts[i], b.side[i]
		if p.Flags.Has(model.ACK) {
			q := out[s.Peer()]
			n := 0
			for n < len(q) && seqGEQ(p.Ack, q[n].end) {
				n++
			}
			if n > 0 && !q[n-1].again {
				if d := p.T - q[n-1].t; best[s] < 0 || d < best[s] {
					best[s] = d
				}
			}
			out[s.Peer()] = q[n:]
		}
		if sp := space(p); sp > 0 && len(out[s]) < 4096 {
			end := p.Seq + sp
			again := slices.ContainsFunc(out[s], func(x sent) bool { return x.end == end })
			out[s] = append(out[s], sent{end, p.T, again})
		}
	}
	for s := model.A; s <= model.B; s++ {
		if best[s] > 0 {
			b.delay[s] = best[s] / 2
		}
	}
	if isHost {
		// The host answers at once as seen from itself: the whole round trip is the
		// peer's side of the link.
		b.delay[host] = 0
		if best[host.Peer()] > 0 {
			b.delay[host.Peer()] = best[host.Peer()] / 2
		}
	}
}

// losses finds retransmissions and what they say was lost: with no ACK of the first
// copy seen before the second, the first copy (where the capture saw it leave); with
// one seen, that ACK (where the capture saw it leave). Keepalive probes are not
// retransmissions: they repeat one byte below SND.NXT on purpose.
func (b *builder) losses() {
	n := len(b.pkts)
	b.lost, b.kind, b.retr = make([]bool, n), make([]model.Rule, n), make([]int, n)
	b.sentAt = make(map[seqKey]copies)
	var maxEnd [2]uint32
	var started [2]bool
	host, isHost := b.at.host()
	sawLeave := func(s model.Side) bool { return !isHost || host == s }
	for i := range b.pkts {
		p, s := &b.pkts[i], b.side[i]
		sp := space(p)
		end := p.Seq + sp
		switch {
		case !started[s] || p.Flags.Has(model.SYN) && !seqGEQ(maxEnd[s], end):
			// The first segment of a side, or a new connection's SYN.
		case p.Flags&(model.SYN|model.FIN|model.RST) == 0 && p.Payload <= 1 && p.Seq == maxEnd[s]-1 && p.Flags.Has(model.ACK):
			b.kind[i] = model.InferKeepalive
			continue
		case sp > 0 && seqGEQ(maxEnd[s], end):
			b.kind[i] = model.InferRetransmit
			b.retransmitted(i, sawLeave)
		case int32(p.Seq-maxEnd[s]) > 0:
			b.kind[i] = model.InferMissing
		}
		if sp > 0 && len(b.sentAt) < MaxFlowPackets {
			c := b.sentAt[seqKey{s, p.Seq}]
			b.sentAt[seqKey{s, p.Seq}] = copies{i, c.n + 1}
		}
		if !started[s] || seqGEQ(end, maxEnd[s]) || p.Flags.Has(model.SYN) {
			maxEnd[s] = end
		}
		started[s] = true
	}
}

// copies is where a side sent data starting at a sequence number, for finding what
// a retransmission repeats in constant time.
type copies struct {
	last, n int // the latest packet that sent it, and how many did
}

// maxAckSearch bounds how far back a retransmission looks for an ACK of its first
// copy, so that a connection of many retransmissions costs linear time.
const maxAckSearch = 4096

// retransmitted marks what the retransmission at i says was lost.
func (b *builder) retransmitted(i int, sawLeave func(model.Side) bool) {
	p, s := &b.pkts[i], b.side[i]
	end := p.Seq + space(p)
	c, ok := b.sentAt[seqKey{s, p.Seq}]
	if !ok {
		return
	}
	j := c.last
	b.retr[i] = c.n
	ack := -1
	for k := max(j+1, i-maxAckSearch); k < i; k++ {
		if q := &b.pkts[k]; b.side[k] != s && q.Flags.Has(model.ACK) && seqGEQ(q.Ack, end) {
			ack = k
		}
	}
	switch {
	case ack >= 0 && sawLeave(s.Peer()):
		b.lost[ack] = true
	case ack < 0 && sawLeave(s):
		b.lost[j] = true
	}
}

// seqKey is a side and a sequence number it sent from.
type seqKey struct {
	side model.Side
	seq  uint32
}

// segments makes one model segment of each packet, with its times on the timeline.
func (b *builder) segments() {
	const floor = time.Microsecond // a segment takes some time to cross
	b.t0 = b.pkts[0].T - b.delay[b.side[0]]
	for i := range b.pkts {
		p, s := &b.pkts[i], b.side[i]
		b.t0 = min(b.t0, p.T-b.delay[s])
	}
	b.segs = make([]model.Segment, len(b.pkts))
	for i := range b.pkts {
		p, s := &b.pkts[i], b.side[i]
		sent := p.T - b.delay[s] - b.t0
		arrive := max(p.T+b.delay[s.Peer()]-b.t0, sent+floor)
		seg := model.Segment{
			ID: i, From: s, Flags: p.Flags, Seq: p.Seq, Ack: p.Ack, Len: p.Payload,
			Retrans: b.retr[i], SentAt: sent, ArriveAt: arrive, Transit: arrive - sent,
		}
		if b.lost[i] {
			seg.Lost = true
			seg.ArriveAt = sent + (arrive-sent)/2
		}
		b.segs[i] = seg
	}
}

// step is one send, recv or drop on the timeline, before its states are known.
type step struct {
	t    time.Duration
	pkt  int
	kind model.EventKind
}

// replay orders every send and arrival in time and plays them through both endpoints,
// inferring each state change.
func (b *builder) replay() {
	steps := make([]step, 0, 2*len(b.segs))
	for i := range b.segs {
		s := &b.segs[i]
		steps = append(steps, step{s.SentAt, i, model.EvSend})
		k := model.EvRecv
		if s.Lost {
			k = model.EvDrop
		}
		steps = append(steps, step{s.ArriveAt, i, k})
	}
	sort.SliceStable(steps, func(x, y int) bool {
		a, c := steps[x], steps[y]
		if a.t != c.t {
			return a.t < c.t
		}
		if a.pkt != c.pkt {
			return a.pkt < c.pkt
		}
		return a.kind == model.EvSend && c.kind != model.EvSend
	})
	b.start()
	for _, st := range steps {
		switch st.kind {
		case model.EvSend:
			b.send(st)
		case model.EvDrop:
			seg := &b.segs[st.pkt]
			b.record(model.Event{T: st.t, Kind: model.EvDrop, Side: seg.From, Seg: st.pkt, Note: b.lossNote(st.pkt)})
		case model.EvRecv:
			b.recv(st)
		}
	}
}

// lossNote says what was lost: an original before its retransmission, or an ACK.
func (b *builder) lossNote(i int) model.Note {
	if b.segs[i].Flags.Has(model.ACK) && space(&b.pkts[i]) == 0 {
		return model.Note{Rule: model.InferLostAck}
	}
	return model.Note{Rule: model.InferLostOriginal}
}

// start sets both endpoints as the capture's first segment shows them.
func (b *builder) start() {
	var iss [2]uint32
	var seen [2]bool
	for i := range b.pkts {
		p, s := &b.pkts[i], b.side[i]
		if !seen[s] {
			iss[s], seen[s] = p.Seq-1, true
			if p.Flags.Has(model.SYN) {
				iss[s] = p.Seq
			}
		}
		if !seen[s.Peer()] && p.Flags.Has(model.ACK) {
			iss[s.Peer()], seen[s.Peer()] = p.Ack-1, true
		}
	}
	b.firstISS = iss
	first := &b.pkts[0]
	handshake := first.Flags&(model.SYN|model.ACK) == model.SYN
	rule := model.InferStartEstablished
	if handshake {
		rule = model.InferStartHandshake
	}
	for s := model.A; s <= model.B; s++ {
		e := model.Endpoint{Side: s, ISS: iss[s], IRS: iss[s.Peer()], RcvWnd: 65535}
		e.SndUna, e.SndNxt, e.RcvNxt = iss[s]+1, iss[s]+1, iss[s.Peer()]+1
		e.State = model.Established
		if handshake {
			e.State = model.Closed
			e.SndUna, e.SndNxt, e.RcvNxt = iss[s], iss[s], 0
			if s == model.B {
				e.State, e.Listening = model.Listen, true
			}
		}
		b.ep[s] = e
	}
	b.record(model.Event{T: 0, Kind: model.EvStart, Side: model.A, Seg: -1, Note: model.Note{Rule: rule}})
}

// record appends an event with both endpoints as they are now.
func (b *builder) record(ev model.Event) {
	ev.Snap = b.ep
	if ev.Kind == model.EvStart || ev.Kind == model.EvState {
		ev.Seg = -1
	}
	ev.Timer = model.NumTimers
	b.events = append(b.events, ev)
}

// enter moves side s to state st at t, for rule r.
func (b *builder) enter(t time.Duration, s model.Side, st model.State, r model.Rule) {
	from := b.ep[s].State
	if from == st {
		return
	}
	b.ep[s].State = st
	b.record(model.Event{T: t, Kind: model.EvState, Side: s, From: from, To: st, Note: model.Note{Rule: r, State: from}})
}

// send plays a segment leaving its sender: the states that sending it shows, then the
// send event with the segment's finding, if any.
func (b *builder) send(st step) {
	seg := &b.segs[st.pkt]
	p := &b.pkts[st.pkt]
	s := seg.From
	e := &b.ep[s]
	peer := &b.ep[s.Peer()]
	why := b.kind[st.pkt]
	hadFin := e.FinSent || e.FinRcvd
	switch f := seg.Flags; {
	case f.Has(model.SYN) && !f.Has(model.ACK):
		if e.State != model.SynSent {
			if e.State != model.Closed {
				b.enter(st.t, s, model.Closed, model.InferReused)
			}
			b.newConnection(s, p.Seq)
			if peer.State == model.TimeWait {
				why = model.InferSynReuse
			}
			b.enter(st.t, s, model.SynSent, model.InferSynSent)
		}
	case f.Has(model.SYN):
		if e.State == model.Listen || e.State == model.Closed {
			b.newConnection(s, p.Seq)
			e.IRS, e.RcvNxt = p.Ack-1, p.Ack
			b.enter(st.t, s, model.SynReceived, model.InferSynReceived)
		}
	case f.Has(model.RST):
		if hadFin {
			why = model.InferRSTAfterFIN
		}
	case f.Has(model.FIN):
		switch e.State {
		case model.Established, model.SynReceived:
			b.enter(st.t, s, model.FinWait1, model.InferFinWait1)
		case model.CloseWait:
			b.enter(st.t, s, model.LastAck, model.InferLastAck)
		case model.LastAck:
			if why == model.InferRetransmit && peer.State == model.TimeWait {
				why = model.InferFinalAckLost
			}
		}
		if !e.FinSent {
			e.FinSent, e.FinSeq = true, p.Seq+uint32(p.Payload)
		}
	}
	if why == model.RuleNone && p.Window == 0 && !seg.Flags.Has(model.RST) {
		why = model.InferZeroWindow
	}
	if why == model.RuleNone {
		why = model.InferSeen
	} else {
		b.findings++
	}
	seg.Why = model.Note{Rule: why}
	seg.SeqBase, seg.AckBase = e.ISS, e.IRS
	if end := p.Seq + space(p); seqGEQ(end, e.SndNxt) {
		e.SndNxt = end
	}
	e.RcvWnd = uint32(p.Window)
	b.record(model.Event{T: st.t, Kind: model.EvSend, Side: s, Seg: st.pkt, Note: seg.Why})
	// A RST from SYN_SENT refuses a bad ACK and keeps waiting (RFC 9293 §3.10.7.3);
	// from any other state with a connection, it aborts it.
	if seg.Flags.Has(model.RST) && e.State != model.Closed && e.State != model.SynSent && e.State != model.Listen {
		b.enter(st.t, s, model.Closed, model.InferClosedRSTSent)
	}
}

// newConnection starts a new connection's numbers on side s: its ISS.
func (b *builder) newConnection(s model.Side, iss uint32) {
	e := &b.ep[s]
	*e = model.Endpoint{Side: s, State: e.State, ISS: iss, SndUna: iss, SndNxt: iss + 1, RcvWnd: e.RcvWnd, Listening: e.Listening}
}

// recv plays a segment reaching its receiver: the receive event, then the states it
// moves the receiver to.
func (b *builder) recv(st step) {
	seg := &b.segs[st.pkt]
	p := &b.pkts[st.pkt]
	r := seg.From.Peer()
	e := &b.ep[r]
	b.record(model.Event{T: st.t, Kind: model.EvRecv, Side: r, Seg: st.pkt, Note: model.Note{Rule: model.InferArrive}})
	f := seg.Flags
	if f.Has(model.RST) {
		switch e.State {
		case model.Closed, model.Listen:
		default:
			b.enter(st.t, r, model.Closed, model.InferClosedRSTRecv)
		}
		return
	}
	if f.Has(model.SYN) && !f.Has(model.ACK) && e.State == model.TimeWait {
		// TIME_WAIT takes a new SYN (its answer is a SYN|ACK) or answers it with the
		// old connection's ACK (RFC 6191; Linux tcp_timewait_state_process).
		if b.answeredWith(st.pkt, model.SYN|model.ACK, true) {
			b.enter(st.t, r, model.Closed, model.InferTimeWaitReused)
		}
		return
	}
	if e.State == model.FinWait2 && p.Payload == 0 && b.answeredWith(st.pkt, model.RST, false) {
		// FIN_WAIT_2 answers a segment without data with a RST: no connection was
		// left, so the orphan timer had ended it (Linux tcp_fin_timeout).
		b.enter(st.t, r, model.Closed, model.InferOrphanTimeout)
		return
	}
	if f.Has(model.SYN) && f.Has(model.ACK) && e.State == model.SynSent {
		e.IRS, e.RcvNxt = p.Seq, p.Seq+1
		e.SndUna = p.Ack
		b.enter(st.t, r, model.Established, model.InferEstablished)
		return
	}
	end := p.Seq + space(p)
	if seqGEQ(end, e.RcvNxt) && !f.Has(model.SYN) {
		e.RcvNxt = end
	}
	acksFin := false
	if f.Has(model.ACK) {
		if seqGEQ(p.Ack, e.SndUna) {
			e.SndUna = p.Ack
		}
		if e.State == model.SynReceived && seqGEQ(p.Ack, e.ISS+1) {
			b.enter(st.t, r, model.Established, model.InferEstablishedAck)
		}
		acksFin = e.FinSent && seqGEQ(p.Ack, e.FinSeq+1)
	}
	if acksFin {
		switch e.State {
		case model.FinWait1:
			rule := model.InferFinWait2
			if f.Has(model.FIN) {
				rule = model.InferFinWait2Instant
			}
			b.enter(st.t, r, model.FinWait2, rule)
		case model.Closing:
			b.enter(st.t, r, model.TimeWait, model.InferTimeWaitClosing)
		case model.LastAck:
			b.enter(st.t, r, model.Closed, model.InferClosedLastAck)
		}
	}
	if f.Has(model.FIN) && !e.FinRcvd {
		e.FinRcvd = true
		switch e.State {
		case model.Established, model.SynReceived:
			b.enter(st.t, r, model.CloseWait, model.InferCloseWait)
		case model.FinWait1:
			b.enter(st.t, r, model.Closing, model.InferClosing)
		case model.FinWait2:
			b.enter(st.t, r, model.TimeWait, model.InferTimeWait)
		}
	}
}
