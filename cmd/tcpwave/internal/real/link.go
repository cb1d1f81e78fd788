//go:build linux

package real

import (
	"container/heap"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view"
)

// maxPacket bounds one packet read from a TUN device (its MTU is 1500; a read never
// returns more than the buffer).
const maxPacket = 65536

// maxSegments bounds the segments a run records: far more than any scenario sends in
// its horizon; past it the run stops with an error rather than grow without end.
const maxSegments = 20000

// segment is one TCP segment the link carried, as it left its sender.
type segment struct {
	at    time.Duration // when it left, relative to the scenario's zero
	from  model.Side
	flags model.Flags
	seq   uint32 // absolute
	ack   uint32 // absolute (meaningful with ACK)
	n     int    // payload bytes
	dup   bool   // a copy the link made (a duplicate fault)
	raw   []byte // the IP packet, for the pcap
	// fate, decided when it left
	lost     bool
	lostAt   time.Duration
	arriveAt time.Duration
	// delivered is when tcpwave wrote it into the receiver's TUN (set by the link).
	delivered time.Duration
	isData    bool // TCP over IPv4 between A and B
}

// link carries packets between the two TUN devices, one goroutine per direction to
// read and one to deliver, and applies the scenario's delays and faults exactly as
// the model's link does (the same model.FaultCounter, and FaultEffect.Fate): the Nth
// matching segment a side sends after time zero is dropped, delayed, or copied.
type link struct {
	tun    [2]*os.File // [A, B]
	delay  [2]time.Duration
	faults model.FaultCounter

	clock *clock
	// afterDeliver runs, on the delivering goroutine, right after a segment was written
	// into side's TUN: the receiver has processed it (a TUN write runs the receive path
	// in the writer's context), so its state can be read at once.
	afterDeliver func(side model.Side)
	// afterSend runs after a segment from side was read: its sender's state may have
	// changed with it (a timer fired).
	afterSend func(side model.Side)

	mu     sync.Mutex
	armed  bool // faults count from time zero, like the model's, which starts there
	segs   []*segment
	err    error
	late   time.Duration     // the latest a delivery came after its time
	queues [2]*deliveryQueue // by receiver
}

// lateness is how late the link delivered its latest segment after its due time.
func (l *link) lateness() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.late
}

func newLink(tunA, tunB *os.File, sc *model.Scenario, c *clock) *link {
	l := &link{tun: [2]*os.File{tunA, tunB}, delay: sc.Delay, clock: c, faults: model.NewFaultCounter(sc.Faults)}
	for i := range l.queues {
		l.queues[i] = newDeliveryQueue()
	}
	return l
}

// arm starts counting segments against the faults (at time zero).
func (l *link) arm() {
	l.mu.Lock()
	l.armed = true
	l.mu.Unlock()
}

// start runs the link's goroutines; they end when the TUN devices are closed (and
// stop is called).
func (l *link) start(wg *sync.WaitGroup) {
	for side := model.A; side <= model.B; side++ {
		wg.Add(2)
		go func() { defer wg.Done(); l.readLoop(side) }()
		go func() { defer wg.Done(); l.deliverLoop(side.Peer()) }()
	}
}

// stop ends the delivery goroutines (the readers end when their TUN is closed).
func (l *link) stop() {
	for _, q := range l.queues {
		q.close()
	}
}

// segments returns what the link carried so far, in the order it left.
func (l *link) segments() ([]*segment, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*segment(nil), l.segs...), l.err
}

func (l *link) fail(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.mu.Unlock()
}

// readLoop reads what side's kernel sends into its TUN device.
func (l *link) readLoop(side model.Side) {
	buf := make([]byte, maxPacket)
	for {
		n, err := l.tun[side].Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				l.fail(err)
			}
			return
		}
		now := l.clock.now()
		seg := parseSegment(buf[:n])
		if !seg.isData {
			continue // IPv6 router solicitations and the like: not part of the story
		}
		seg.at, seg.from = now, side
		l.launch(seg)
		if l.afterSend != nil {
			l.afterSend(side)
		}
	}
}

// launch records a segment, decides its fate by the faults, and queues its delivery.
func (l *link) launch(seg *segment) {
	l.mu.Lock()
	if len(l.segs) >= maxSegments {
		if l.err == nil {
			l.err = view.Errorf("more segments than a run may record")
		}
		l.mu.Unlock()
		return
	}
	fx := l.effect(seg)
	l.segs = append(l.segs, seg)
	seg.place(l.delay[seg.from], fx)
	var dup *segment
	if fx.Dup {
		c := *seg
		c.dup, c.lost, c.at = true, false, seg.at
		c.place(l.delay[seg.from]+fx.DupDelay, l.effect(&c))
		dup = &c
		l.segs = append(l.segs, dup)
	}
	l.mu.Unlock()
	for _, s := range []*segment{seg, dup} {
		if s != nil && !s.lost {
			l.queues[s.from.Peer()].push(s)
		}
	}
}

// effect counts seg against every fault that matches it (from time zero on) with the
// model's own counter. Called with l.mu held.
func (l *link) effect(seg *segment) model.FaultEffect {
	if !l.armed {
		return model.FaultEffect{}
	}
	return l.faults.Count(&model.Segment{From: seg.from, Flags: seg.flags, Dup: seg.dup})
}

// place sets when the segment arrives, or where it is lost, as the model's link
// places its segments (model.FaultEffect.Fate).
func (seg *segment) place(delay time.Duration, fx model.FaultEffect) {
	transit, lost, vanish := fx.Fate(delay)
	seg.arriveAt = seg.at + transit
	if lost {
		seg.lost, seg.lostAt = true, seg.at+vanish
	}
}

// deliverLoop writes segments into side's TUN device when they are due.
func (l *link) deliverLoop(side model.Side) {
	q := l.queues[side]
	for {
		seg, ok := q.next(l.clock)
		if !ok {
			return
		}
		// The segment arrives when tcpwave hands it over: the write runs the receiver's
		// input path (and may send its answer) before it returns.
		at := l.clock.now()
		if _, err := l.tun[side].Write(seg.raw); err != nil {
			if !errors.Is(err, os.ErrClosed) {
				l.fail(err)
			}
			return
		}
		l.mu.Lock()
		seg.delivered = at
		l.late = max(l.late, at-seg.arriveAt)
		l.mu.Unlock()
		if l.afterDeliver != nil {
			l.afterDeliver(side)
		}
	}
}

// parseSegment decodes an IPv4 packet carrying TCP; isData is false for anything else.
func parseSegment(pkt []byte) *segment {
	var ip layers.IPv4
	var tcp layers.TCP
	var payload gopacket.Payload
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeIPv4, &ip, &tcp, &payload)
	p.IgnoreUnsupported = true
	var decoded []gopacket.LayerType
	seg := &segment{raw: append([]byte(nil), pkt...)}
	if err := p.DecodeLayers(pkt, &decoded); err != nil && len(decoded) < 2 {
		return seg
	}
	if len(decoded) < 2 || decoded[1] != layers.LayerTypeTCP {
		return seg
	}
	seg.isData = true
	seg.seq, seg.ack, seg.n = tcp.Seq, tcp.Ack, len(tcp.Payload)
	for _, fl := range []struct {
		on bool
		f  model.Flags
	}{{tcp.SYN, model.SYN}, {tcp.FIN, model.FIN}, {tcp.RST, model.RST}, {tcp.PSH, model.PSH}, {tcp.URG, model.URG}, {tcp.ACK, model.ACK}} {
		if fl.on {
			seg.flags |= fl.f
		}
	}
	return seg
}

// deliveryQueue holds one direction's segments in flight, earliest arrival first.
type deliveryQueue struct {
	mu     sync.Mutex
	h      segHeap
	kick   chan struct{}
	closed bool
	order  int
}

func newDeliveryQueue() *deliveryQueue { return &deliveryQueue{kick: make(chan struct{}, 1)} }

func (q *deliveryQueue) push(s *segment) {
	q.mu.Lock()
	q.order++
	heap.Push(&q.h, queued{s, q.order})
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

func (q *deliveryQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// next waits until the earliest segment is due and returns it; false once closed.
func (q *deliveryQueue) next(c *clock) (*segment, bool) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil, false
		}
		var wait time.Duration = time.Hour
		if len(q.h) > 0 {
			wait = q.h[0].s.arriveAt - c.now()
			if wait <= 0 {
				s := heap.Pop(&q.h).(queued).s
				q.mu.Unlock()
				return s, true
			}
		}
		q.mu.Unlock()
		t.Reset(wait)
		select {
		case <-t.C:
		case <-q.kick:
		}
	}
}

type queued struct {
	s     *segment
	order int
}

type segHeap []queued

func (h segHeap) Len() int { return len(h) }
func (h segHeap) Less(i, j int) bool {
	if h[i].s.arriveAt != h[j].s.arriveAt {
		return h[i].s.arriveAt < h[j].s.arriveAt
	}
	return h[i].order < h[j].order
}
func (h segHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *segHeap) Push(x any)   { *h = append(*h, x.(queued)) }
func (h *segHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// clock gives times relative to the scenario's zero, from the monotonic clock.
type clock struct{ zero time.Time }

func (c *clock) now() time.Duration { return time.Since(c.zero) }
