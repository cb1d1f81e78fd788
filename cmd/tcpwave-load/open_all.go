package main

import (
	"fmt"
	"sync"
	"time"
)

// session is a client the load opens: it waits for its first frame, and closes.
type session interface {
	waitFirst(d time.Duration) bool // false: none within d
	close()
}

func (c *client) waitFirst(d time.Duration) bool {
	select {
	case <-c.firstFrame:
		return true
	case <-time.After(d):
		return false
	}
}

func (v *viewer) waitFirst(d time.Duration) bool {
	select {
	case <-v.first:
		return true
	case <-time.After(d):
		return false
	}
}

// openAll opens n sessions at once, open(i) the i-th, and waits (at most wait each)
// for every one's first frame. It returns them, a function that closes those that
// opened (call it whatever the error), and the first error; late says what a session
// that showed nothing in time lacked.
func openAll[S session](n int, wait time.Duration, late string, open func(i int) (S, error)) ([]S, func(), error) {
	out := make([]S, n)
	opened := make([]bool, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := open(i)
			if err != nil {
				errs <- err
				return
			}
			out[i], opened[i] = s, true
			if !s.waitFirst(wait) {
				errs <- fmt.Errorf("%s within %s", late, wait)
			}
		}()
	}
	wg.Wait()
	close(errs)
	closeAll := func() {
		for i, s := range out {
			if opened[i] {
				s.close()
			}
		}
	}
	return out, closeAll, <-errs
}
