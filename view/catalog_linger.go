package view

// The words of SO_LINGER with a time (model/linger.go), by language, and their
// sources.
var lingerTexts = [numLangs]map[string]string{
	En: {
		"linger-set":     "SO_LINGER with a time, %s s: close() will block until its FIN is ACKed, at most that long.",
		"close-linger":   "close() with SO_LINGER {1, %s}: the FIN goes out as usual, and the app blocks in close() until it is ACKed, at most %[1]s s. The socket is not an orphan yet: its retransmissions count against tcp_retries2.",
		"linger-done":    "Our FIN is ACKed: close() returns 0, within its %s s. The app now knows that the peer's TCP has every byte it sent, and the FIN (not that the peer's app read them).",
		"linger-timeout": "%s s passed without an ACK of the FIN: close() returns 0 all the same. Linux sends no RST and keeps the data: the close goes on in the background, as after any close(). (BSD's close() returns EWOULDBLOCK here.)",
	},
	Zh: {
		"linger-set":     "设置 SO_LINGER，超时为 %s s：之后 close() 会阻塞，直到 FIN 被 ACK，最多阻塞这么久。",
		"close-linger":   "在 SO_LINGER {1, %s} 下调用 close()：FIN 照常发出，应用阻塞在 close() 里，等它被 ACK，最多 %[1]s s。这时 socket 还不是孤儿：它的重传次数按 tcp_retries2 计。",
		"linger-done":    "本端的 FIN 已被 ACK：close() 在 %s s 之内返回 0。应用由此知道，对端的 TCP 已收到它发的每个字节和 FIN（但不代表对端应用已经读了）。",
		"linger-timeout": "%s s 过去了，FIN 仍未被 ACK：close() 照样返回 0。Linux 不发 RST，也不丢数据：关闭在后台继续进行，和普通的 close() 之后一样。（BSD 的 close() 在这里返回 EWOULDBLOCK。）",
	},
}

var lingerSources = map[string]string{
	"linger-set":     "POSIX setsockopt SO_LINGER; Linux sock_setsockopt",
	"close-linger":   "Linux inet_release, __tcp_close, sk_stream_wait_close",
	"linger-done":    "Linux sk_stream_wait_close, sk_stream_closing",
	"linger-timeout": "Linux __tcp_close, sk_stream_wait_close",
}

func init() {
	for l, texts := range lingerTexts {
		for k, v := range texts {
			catalogs[l][k] = v
		}
	}
	for k, v := range lingerSources {
		sources[k] = v
	}
}
