//go:build linux

package real

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// diagSock asks sock_diag about one TCP socket by its 4-tuple: a point lookup
// (inet_diag_find_one_icsk), not a dump. A dump walks the whole established hash,
// which every namespace shares: 1.5–4 ms a look measured here, too slow to follow a
// state that lasts 10 ms; the lookup takes microseconds. vishvananda/netlink's
// SocketGet sends its request as a dump, so tcpwave builds this one request itself
// (struct inet_diag_req_v2, include/uapi/linux/inet_diag.h).
type diagSock struct {
	fd  int
	seq uint32
	buf []byte
}

// newDiagSock opens a NETLINK_SOCK_DIAG socket in the calling thread's namespace.
func newDiagSock() (*diagSock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("sock_diag bind: %w", err)
	}
	tv := unix.Timeval{Sec: 1}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return &diagSock{fd: fd, buf: make([]byte, 8192)}, nil
}

func (d *diagSock) close() { unix.Close(d.fd) }

// errNoSocket is the kernel's answer when no socket has the 4-tuple.
var errNoSocket = errors.New("no such socket")

// get returns the socket's state, timer, retransmissions and timer expiry, or
// errNoSocket.
func (d *diagSock) get(local, remote net.IP, lport, rport uint16) (state, timer, retrans uint8, expires time.Duration, err error) {
	const hdr = unix.SizeofNlMsghdr
	const reqLen = 56 // inet_diag_req_v2
	msg := make([]byte, hdr+reqLen)
	d.seq++
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], 20) // SOCK_DIAG_BY_FAMILY
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST)
	binary.NativeEndian.PutUint32(msg[8:], d.seq)
	r := msg[hdr:]
	r[0] = unix.AF_INET
	r[1] = unix.IPPROTO_TCP
	binary.NativeEndian.PutUint32(r[4:], 0xffffffff) // all states
	id := r[8:]
	binary.BigEndian.PutUint16(id[0:], lport)
	binary.BigEndian.PutUint16(id[2:], rport)
	copy(id[4:8], local.To4())
	copy(id[20:24], remote.To4())
	binary.NativeEndian.PutUint32(id[40:], 0xffffffff) // INET_DIAG_NOCOOKIE
	binary.NativeEndian.PutUint32(id[44:], 0xffffffff)
	if err := unix.Sendto(d.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, 0, 0, 0, err
	}
	for {
		n, _, err := unix.Recvfrom(d.fd, d.buf, 0)
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("sock_diag: %w", err)
		}
		b := d.buf[:n]
		for len(b) >= hdr {
			l := int(binary.NativeEndian.Uint32(b[0:]))
			typ := binary.NativeEndian.Uint16(b[4:])
			seq := binary.NativeEndian.Uint32(b[8:])
			if l < hdr || l > len(b) {
				return 0, 0, 0, 0, errors.New("sock_diag: bad message length")
			}
			body := b[hdr:l]
			b = b[(l+3)&^3:]
			if seq != d.seq {
				continue // an answer to an earlier request that timed out
			}
			switch typ {
			case unix.NLMSG_ERROR:
				if len(body) < 4 {
					return 0, 0, 0, 0, errors.New("sock_diag: short error")
				}
				e := -int32(binary.NativeEndian.Uint32(body))
				if e == int32(unix.ENOENT) {
					return 0, 0, 0, 0, errNoSocket
				}
				return 0, 0, 0, 0, fmt.Errorf("sock_diag: %w", unix.Errno(e))
			case 20: // inet_diag_msg
				if len(body) < 56 {
					return 0, 0, 0, 0, errors.New("sock_diag: short answer")
				}
				exp := binary.NativeEndian.Uint32(body[52:])
				return body[1], body[2], body[3], time.Duration(exp) * time.Millisecond, nil
			}
			if len(b) < hdr {
				break
			}
		}
	}
}
