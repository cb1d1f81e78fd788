package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorsSpeakTheUsersLanguage: with --lang zh (anywhere on the line, even after
// the bad flag) or a Chinese locale, the command line's errors are Chinese, whole:
// the command's, the flag package's, the model's and the scenario loader's; English
// otherwise. Each keeps its exit status.
func TestErrorsSpeakTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	notCap := filepath.Join(dir, "notes.pcap")
	if err := os.WriteFile(notCap, []byte("hello, this is text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("id: x\ntitle: X\nset:\n  tcp_fin_timeout: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args   []string
		code   int
		zh, en string
	}{
		{[]string{"trace", "nope"}, 2, `没有场景 "nope"`, `unknown scenario "nope"`},
		{[]string{"trace", "client-close", "--drop", "client:9"}, 2, "这次运行里客户端只发出 2 个报文段，没有第 9 个可丢", "the client sends only 2 segments in this run, so there is no 9th to lose"},
		{[]string{"trace", "client-close", "--set", "tcp_fin_timeout=5"}, 2, `参数 tcp_fin_timeout：时长 "5" 没有单位`, `knob tcp_fin_timeout: duration "5" has no unit`},
		{[]string{"trace", "client-close", "--set", "nope=1"}, 2, `没有参数 "nope"`, `unknown knob "nope"`},
		{[]string{"trace", "client-close", "--profile", "bsd"}, 2, `不认识的配置 "bsd"`, `unknown profile "bsd"`},
		{[]string{"trace", bad}, 2, "字段 set.tcp_fin_timeout：时长 \"5\" 没有单位", `field set.tcp_fin_timeout: duration "5" has no unit`},
		{[]string{"--nope"}, 2, "没有 -nope 这个选项", "no such flag: -nope"},
		{[]string{"render", "client-close", "--width", "abc"}, 2, `-width 的值 "abc" 不对：不是数字`, `invalid value "abc" for -width: not a number`},
		{[]string{"list", "extra"}, 2, `tcpwave list：不接受参数，这里多了 "extra"`, `tcpwave list: takes no arguments, got "extra"`},
		// open, trace FILE.pcap and real: their flags, the capture reader and the runner.
		{[]string{"open", notCap}, 1, "不是抓包文件：开头既不是 pcap 文件头，也不是 pcapng 文件头（开头几个字节是 68 65 6c 6c）", "not a capture file: it starts with neither a pcap nor a pcapng header (first bytes 68 65 6c 6c)"},
		{[]string{"open", notCap, "--at", "moon"}, 2, `--at 只能是 client、server 或 link，这里是 "moon"`, `--at must be client, server or link, got "moon"`},
		{[]string{"open"}, 2, "tcpwave open：请指定一个抓包文件", "tcpwave open: name one capture file"},
		{[]string{"trace", notCap, "--format", "pcap", "-o", filepath.Join(dir, "x.pcap")}, 2, "本身就是抓包文件", "is a capture already"},
		{[]string{"trace", "client-close", "-o", filepath.Join(dir, "x.pcap")}, 2, "-o 写的是抓包文件", "-o writes a capture"},
		{[]string{"real", "client-close", "--horizon", "0s"}, 2, "tcpwave real：--horizon：应是 1ms 到 10m 之间的时长", "tcpwave real: --horizon: want a duration from 1ms to 10m"},
		{[]string{"real", "why-2msl"}, 2, "tcpwave real：why-2msl 无法在真实 socket 上运行：参数 rto_max=", "tcpwave real: why-2msl cannot run on real sockets: knob rto_max="},
	}
	for _, c := range cases {
		for _, lang := range []string{"zh", "en"} {
			want := c.en
			if lang == "zh" {
				want = c.zh
			}
			code, _, errs := runCmd(append(c.args, "--lang", lang)...)
			if code != c.code || !strings.Contains(errs, want) {
				t.Errorf("%v --lang %s: exit %d, stderr %q; want %d and %q", c.args, lang, code, errs, c.code, want)
			}
		}
	}
	// The locale decides when --lang is not given.
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	if _, _, errs := runCmd("trace", "nope"); !strings.Contains(errs, `没有场景 "nope"`) {
		t.Errorf("LC_ALL=zh_CN.UTF-8: %q", errs)
	}
	if _, out, _ := runCmd("help"); !strings.Contains(out, "用法") {
		t.Errorf("help under a Chinese locale: %q", out)
	}
}

// TestHelpSpeaksTheUsersLanguage: -h of the newer commands, their flags' help and the
// flag package's "(default x)" included, reads in Chinese with --lang zh.
func TestHelpSpeaksTheUsersLanguage(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{"open", []string{"选项：", "抓包的位置", "（默认 \"link\"）"}},
		{"real", []string{"运行场景目录", "把链路转发的每个报文段写入这个 pcap 文件"}},
		{"serve", []string{"通过 SSH 提供界面", "上课模式", "（默认 \"127.0.0.1:2222\"）"}},
		{"trace", []string{"--format pcap 写入的文件", "（默认 \"text\"）"}},
	} {
		_, out, errs := runCmd(c.cmd, "-h", "--lang", "zh")
		for _, w := range c.want {
			if !strings.Contains(out+errs, w) {
				t.Errorf("%s -h --lang zh: no %q in\n%s", c.cmd, w, out+errs)
			}
		}
		if strings.Contains(out+errs, "(default ") {
			t.Errorf("%s -h --lang zh: an English \"(default\" is left", c.cmd)
		}
	}
}
