package capture

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkScan reads a capture of about a million packets and 10,000 connections,
// interleaved as a busy server's would be, from a file, and summarizes every
// connection. It reports packets per second of wall time and of CPU time, and the heap
// in use after the scan: the summaries', bounded by the connections, not by the file.
func BenchmarkScan(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.pcap")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := writeSized(w, 10000, 100, 10, 20); err != nil {
		b.Fatal(err)
	}
	w.Flush()
	f.Close()
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	var packets int64
	var flows int
	var last *Scan
	cpu0 := cpuTime()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		sc, err := ScanFlows(f, nil)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		packets, flows, last = sc.Stats.TCP, len(sc.Flows), sc
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if flows != 10000 || packets < 900000 {
		b.Fatalf("%d flows, %d packets", flows, packets)
	}
	b.ReportMetric(float64(packets)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(packets), "packets")
	if cpu > 0 {
		// Packets per second of CPU (garbage collector included): what a core does when
		// the machine is not shared.
		b.ReportMetric(float64(packets)*float64(b.N)/cpu.Seconds(), "packets/cpu-s")
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(last) // the summaries are in the heap measured
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap-after")
}
