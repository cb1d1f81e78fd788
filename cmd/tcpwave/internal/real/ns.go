//go:build linux

package real

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/tcpwave/tcpwave/view"
)

// The addresses of the two ends inside their namespaces: A (the client) and B (the
// server), each the far end of the other's point-to-point TUN device. The trace never
// shows them: it names the ends A and B, as the scenario does.
var (
	addrA = net.IPv4(10, 77, 0, 1).To4()
	addrB = net.IPv4(10, 77, 0, 2).To4()
)

// Ports of the connection: the scenario has none, so these are fixed.
const (
	portA = 40000
	portB = 8080
)

// inNS runs fn on an OS thread switched into ns, and waits for it. The thread is
// locked for the whole call (a Go thread's namespace is per OS thread, and the
// scheduler would otherwise move the goroutine, or run others on the switched thread);
// fn runs on a fresh goroutine, so that if the thread cannot be switched back it is
// left locked and the runtime destroys it when that goroutine ends, never handing a
// thread in the wrong namespace to other code.
func inNS(ns netns.NsHandle, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			done <- err
			return // still locked: the thread ends with this goroutine
		}
		defer orig.Close()
		if err := netns.Set(ns); err != nil {
			runtime.UnlockOSThread()
			done <- err
			return
		}
		ferr := fn()
		if err := netns.Set(orig); err != nil {
			done <- errors.Join(ferr, view.Errorf("switching the thread back: %v", err))
			return // still locked: the thread ends with this goroutine
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}

// newNS makes an anonymous network namespace and returns a handle to it. Nothing names
// it in the file system: it lives while the handle or a socket or device in it is open,
// so the kernel removes it when tcpwave closes them, or exits however it exits.
func newNS() (netns.NsHandle, error) {
	type res struct {
		h   netns.NsHandle
		err error
	}
	done := make(chan res, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			done <- res{err: err}
			return
		}
		defer orig.Close()
		h, err := netns.New() // unshare(CLONE_NEWNET): this thread is now in it
		if err != nil {
			runtime.UnlockOSThread()
			if errors.Is(err, unix.EPERM) {
				err = errNeedRoot
			}
			done <- res{err: err}
			return
		}
		if err := netns.Set(orig); err != nil {
			h.Close()
			done <- res{err: err}
			return // still locked: the thread ends with this goroutine
		}
		runtime.UnlockOSThread()
		done <- res{h: h}
	}()
	r := <-done
	return r.h, r.err
}

// endpointNS is one end's namespace with its TUN device.
type endpointNS struct {
	ns   netns.NsHandle
	tun  *os.File // the TUN device's queue: what the kernel sends, tcpwave reads
	nl   *netlink.Handle
	diag *diagSock // sock_diag in this namespace
}

// close releases the namespace: once its sockets are closed too, the kernel frees it.
func (e *endpointNS) close() {
	if e.tun != nil {
		e.tun.Close()
	}
	if e.nl != nil {
		e.nl.Close()
	}
	if e.diag != nil {
		e.diag.close()
	}
	if e.ns.IsOpen() {
		e.ns.Close()
	}
}

// openEndpoint makes a namespace with a TUN device "tw0" whose address is local and
// whose point-to-point peer is remote, and applies the sysctls (names under
// /proc/sys/net, values as written there).
func openEndpoint(local, remote net.IP, sysctls map[string]string) (*endpointNS, error) {
	ns, err := newNS()
	if err != nil {
		return nil, err
	}
	e := &endpointNS{ns: ns}
	err = inNS(ns, func() error {
		f, err := openTUN("tw0")
		if err != nil {
			return err
		}
		e.tun = f
		if e.diag, err = newDiagSock(); err != nil {
			return err
		}
		for k, v := range sysctls {
			if err := writeSysctl(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		e.nl, err = netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	}
	if err == nil {
		err = e.configure(local, remote)
	}
	if err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// configure gives the TUN device its address and brings it up.
func (e *endpointNS) configure(local, remote net.IP) error {
	link, err := e.nl.LinkByName("tw0")
	if err != nil {
		return err
	}
	addr := &netlink.Addr{
		IPNet: &net.IPNet{IP: local, Mask: net.CIDRMask(32, 32)},
		Peer:  &net.IPNet{IP: remote, Mask: net.CIDRMask(32, 32)},
	}
	if err := e.nl.AddrAdd(link, addr); err != nil {
		return view.Errorf("address on the TUN device: %v", err)
	}
	if err := e.nl.LinkSetUp(link); err != nil {
		return view.Errorf("bringing the TUN device up: %v", err)
	}
	return nil
}

// openTUN creates a TUN device (IP packets, no packet-info header) in the calling
// thread's namespace and returns its queue, non-blocking so that Go's poller serves it
// and Close interrupts a pending Read.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, view.Errorf("opening /dev/net/tun: %v", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF: %w", err)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}

// writeSysctl sets a net sysctl of the calling thread's namespace: /proc/sys/net
// resolves to the namespace of the thread that opens the file.
func writeSysctl(name, value string) error {
	if strings.Contains(name, "..") {
		return view.Errorf("bad sysctl name %q", name)
	}
	p := filepath.Join("/proc/sys/net", strings.ReplaceAll(name, ".", "/"))
	if err := os.WriteFile(p, []byte(value), 0); err != nil {
		return view.Errorf("sysctl net.%s=%s: %v", name, value, err)
	}
	return nil
}
