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
	if err := os.WriteFile(bad, []byte("id: x\ntitle: X\nset:\n  tcp_fin_timeout: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args   []string
		zh, en string
	}{
		{[]string{"trace", "nope"}, `没有场景 "nope"`, `unknown scenario "nope"`},
		{[]string{"trace", "client-close", "--drop", "client:9"}, "这次运行里客户端只发出 2 个报文段，没有第 9 个可丢", "the client sends only 2 segments in this run, so there is no 9th to lose"},
		{[]string{"trace", "client-close", "--set", "tcp_fin_timeout=5"}, `参数 tcp_fin_timeout：时长 "5" 没有单位`, `knob tcp_fin_timeout: duration "5" has no unit`},
		{[]string{"trace", "client-close", "--set", "nope=1"}, `没有参数 "nope"`, `unknown knob "nope"`},
		{[]string{"trace", "client-close", "--profile", "bsd"}, `不认识的配置 "bsd"`, `unknown profile "bsd"`},
		{[]string{"trace", bad}, "字段 set.tcp_fin_timeout：时长 \"5\" 没有单位", `field set.tcp_fin_timeout: duration "5" has no unit`},
		{[]string{"--nope"}, "没有 -nope 这个选项", "no such flag: -nope"},
		{[]string{"render", "client-close", "--width", "abc"}, `-width 的值 "abc" 不对：不是数字`, `invalid value "abc" for -width: not a number`},
		{[]string{"list", "extra"}, `tcpwave list：不接受参数，这里多了 "extra"`, `tcpwave list: takes no arguments, got "extra"`},
	}
	for _, c := range cases {
		for _, lang := range []string{"zh", "en"} {
			want := c.en
			if lang == "zh" {
				want = c.zh
			}
			code, _, errs := runCmd(append(c.args, "--lang", lang)...)
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%v --lang %s: exit %d, stderr %q; want 2 and %q", c.args, lang, code, errs, want)
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
