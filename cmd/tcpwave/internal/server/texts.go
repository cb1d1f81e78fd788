package server

import (
	"fmt"

	"github.com/tcpwave/tcpwave/view"
)

// The server's own lines to a student, in English and Chinese. A session's language
// is the one its program speaks (view.SessionLang: a word of the command, else the
// client's locale). A refusal before the session exists (when the server is full) is
// sent before any locale is, so it says it in both.
var texts = map[view.Lang]map[string]string{
	view.En: {
		"paste-cut":       "tcpwave: pasted text is cut to its first KiB; the rest was dropped",
		"input-fast":      "tcpwave: input is coming faster than anyone types; some of it was dropped",
		"bye.idle":        "tcpwave: no key pressed for %s, so this session has ended. Goodbye!",
		"bye.maxtime":     "tcpwave: sessions last at most %s; this one has ended. Goodbye!",
		"bye.shutdown":    "tcpwave: the server is shutting down. Goodbye!",
		"bye.flood":       "tcpwave: input came far faster than anyone types, and was dropped; so this session has ended.",
		"bye.error":       "tcpwave: an internal error ended this session (it has been logged). Sorry!",
		"clamped":         "tcpwave: your terminal is %d×%d; showing %d×%d (the most it serves)",
		"refuse.shutdown": "tcpwave is shutting down; goodbye",
		"refuse.full":     "tcpwave is full (all %d sessions in use); please try again in a few minutes",
		"refuse.full-ip":  "tcpwave is full for your address (all %d sessions in use); please close one or try again later",
		"refuse.per-conn": "tcpwave allows %d sessions on one connection; open another connection",
	},
	view.Zh: {
		"paste-cut":       "tcpwave：粘贴的文本只保留前 1 KiB，其余已丢弃",
		"input-fast":      "tcpwave：输入来得比任何人打字都快，部分已丢弃",
		"bye.idle":        "tcpwave：%s 内没有按键，本次会话已结束。再见！",
		"bye.maxtime":     "tcpwave：每次会话最长 %s，本次会话已结束。再见！",
		"bye.shutdown":    "tcpwave：服务器正在关闭。再见！",
		"bye.flood":       "tcpwave：输入来得远比任何人打字都快，已被丢弃，因此本次会话已结束。",
		"bye.error":       "tcpwave：内部错误结束了本次会话（已记录日志）。抱歉！",
		"clamped":         "tcpwave：你的终端是 %d×%d，按 %d×%d 显示（服务的最大尺寸）",
		"refuse.shutdown": "tcpwave 正在关闭，再见",
		"refuse.full":     "tcpwave 已满（%d 个会话都在使用中），请几分钟后再试",
		"refuse.full-ip":  "来自你的地址的会话已满（%d 个都在使用中），请关闭一个或稍后再试",
		"refuse.per-conn": "tcpwave 每个连接最多允许 %d 个会话，请另开一个连接",
	},
}

// say is a server line in l.
func say(l view.Lang, key string, args ...any) string {
	f, ok := texts[l][key]
	if !ok {
		f = texts[view.En][key]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// sayBoth is a server line in English, then in Chinese, for a client whose language
// is not known yet.
func sayBoth(key string, args ...any) string {
	return say(view.En, key, args...) + " / " + say(view.Zh, key, args...)
}
