package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// watchPeakMemory is a developer's aid, off unless TCPWAVE_MEMPROFILE names a file
// prefix: the server samples its own RSS every 100 ms and, whenever it reaches a new
// peak (by 4 MB or more), writes a heap profile (PREFIX.heap), the goroutines (PREFIX.goroutines) and the runtime's memory
// figures (PREFIX.txt) of that moment, so that `go tool pprof` shows what the peak
// is made of.
func watchPeakMemory(prefix string) {
	var peak int64
	for range time.Tick(100 * time.Millisecond) {
		rss := selfRSS()
		if rss < peak+4<<20 {
			continue
		}
		peak = rss
		if f, err := os.Create(prefix + ".heap"); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
		if f, err := os.Create(prefix + ".goroutines"); err == nil {
			_ = pprof.Lookup("goroutine").WriteTo(f, 1)
			f.Close()
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		txt := fmt.Sprintf("rss %d MB at %s\nheap in use %d MB, live objects %d MB, idle not released %d MB, released %d MB\nstacks %d MB, goroutines %d\nother sys %d MB (mspan %d, mcache %d, buckhash %d, gc %d, other %d)\nnext gc %d MB, gc cycles %d\n",
			rss>>20, time.Now().Format(time.TimeOnly), ms.HeapInuse>>20, ms.HeapAlloc>>20, (ms.HeapIdle-ms.HeapReleased)>>20, ms.HeapReleased>>20,
			ms.StackInuse>>20, runtime.NumGoroutine(),
			(ms.MSpanSys+ms.MCacheSys+ms.BuckHashSys+ms.GCSys+ms.OtherSys)>>20, ms.MSpanSys>>20, ms.MCacheSys>>20, ms.BuckHashSys>>20, ms.GCSys>>20, ms.OtherSys>>20,
			ms.NextGC>>20, ms.NumGC)
		_ = os.WriteFile(prefix+".txt", []byte(txt), 0o644)
	}
}

// selfRSS is this process's resident memory in bytes, from /proc (0 if unknown).
func selfRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
