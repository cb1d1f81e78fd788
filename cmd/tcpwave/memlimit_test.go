package main

import (
	"math"
	"testing"
)

func TestHeapLimit(t *testing.T) {
	const floor = 256 << 20
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, floor},
		{100 << 20, floor},     // a few small sessions, or a flood's garbage: the floor holds
		{128 << 20, floor},     // twice the live heap is the floor
		{300 << 20, 600 << 20}, // 100 sessions at 200×60: room above them
		{math.MaxUint64, math.MaxInt64},
	} {
		if got := heapLimit(floor, tc.live); got != tc.want {
			t.Errorf("heapLimit(%d MB live) = %d, want %d", tc.live>>20, got, tc.want)
		}
	}
}
