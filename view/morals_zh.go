package view

// zhMorals are the catalog scenarios' morals in Chinese, by "scenario.<id>.moral".
var zhMorals = map[string]string{
	"scenario.client-close.moral":               "关闭连接其实是两次半关闭：每个方向各自要一个 FIN 和一个 ACK。先关闭的一方要承担 TIME_WAIT；另一方的 FIN 一被确认，就立刻释放。",
	"scenario.server-close.moral":               "谁先关闭，谁进入 TIME_WAIT，这里是服务端。先关闭的服务端每个连接都要保留一个 TIME_WAIT socket，时长 2MSL：每个只占一点内存，只有很快又复用同一端口的客户端才会受影响。",
	"scenario.simultaneous-close.moral":         "双方同时关闭时，两个 FIN 在途中交错，双方都经过 CLOSING，也都要承担 TIME_WAIT：这里没有被动关闭方。",
	"scenario.fin-ack-merged.moral":             "四个报文段是挥手最多需要的数量。被动关闭方若在延迟确认的时间内就关闭（Linux），它的 FIN 会捎带 ACK，三次就够了；rfc9293 配置立即回 ACK，所以要四次。",
	"scenario.half-close.moral":                 "shutdown(SHUT_WR) 只关闭一个方向；另一个方向在自己的 FIN 之前照样传数据。这就是挥手需要两个 FIN 的原因，也是 FIN_WAIT_2 和 CLOSE_WAIT 会随数据一直持续的原因。",
	"scenario.unread-data-rst.moral":            "在 Linux 上，带着未读数据关闭不是有序关闭：内核会发 RST，让对端知道有数据丢了，双方都不进入 TIME_WAIT。收到的数据要读完，否则对端会看到 ECONNRESET。",
	"scenario.linger-abort.moral":               "SO_LINGER {1, 0} 把 close() 变成中止：发 RST，未发送的数据丢弃，对端收到 ECONNRESET，Linux 下也没有 TIME_WAIT。端口立刻可用，代价是 TIME_WAIT 提供的所有保护都没了。",
	"scenario.fin-wait-2-timeout.moral":         "Linux 不会让孤儿连接永远停在 FIN_WAIT_2：tcp_fin_timeout 一到，它不发任何报文段就消失了，之后才到的 FIN 会被回 RST。RFC 9293 没有这个定时器。",
	"scenario.peer-never-closes.moral":          "CLOSE_WAIT 只有在应用调用 close() 时才结束，没有任何定时器能结束它。大量 CLOSE_WAIT 说明本机应用忘了关闭连接；要改的是代码，不是 sysctl。",
	"scenario.close-wait-keepalive.moral":       "保活能发现已经不在的对端：在 Linux 下，探测报文段遇到一台没有这个连接的主机，换回一个 RST，泄漏的 CLOSE_WAIT socket 终于被释放。如果对端还活着、卡在 FIN_WAIT_2（rfc9293 配置），保活看不出任何问题，泄漏依旧。",
	"scenario.lost-first-fin.moral":             "丢失的 FIN 会在重传定时器到期时以相同的序号重发；对端根本不知道第一个的存在。挥手能扛住丢包，是因为 FIN 和数据一样，会一直重传到被确认为止。",
	"scenario.lost-fin-twice.moral":             "每次超时重传 RTO 都翻倍；Linux 会先做一次不退避的尾部丢包探测。已关闭的 socket 在 tcp_orphan_retries 次超时后放弃它的 FIN，悄无声息。",
	"scenario.lost-ack-of-fin.moral":            "丢一个 ACK，代价是重传一次 FIN：发 FIN 的一方分不清丢的是 FIN 还是 ACK，只能重发，对端再对这个重复的 FIN 回一次 ACK。",
	"scenario.lost-server-fin.moral":            "第二个 FIN 和第一个一样会被重传：LAST_ACK 等待，超时重发，只要有一份送达，挥手就完成了。",
	"scenario.lost-final-ack.moral":             "没有人确认最后一个 ACK，所以它丢了只有对端知道：对端的 FIN 会再来一次。TIME_WAIT 还在，能回 ACK，并重新开始 2MSL：这是 TIME_WAIT 的第二个理由。",
	"scenario.data-after-close-rst.moral":       "在 Linux 上 close() 关闭两个方向：之后到达的数据会换来 RST，写数据的一方得到 EPIPE。写完后还想继续读，要用 shutdown(SHUT_WR)。",
	"scenario.old-duplicate.moral":              "TIME_WAIT 在 2MSL 内占住这个四元组，让旧连接的迟到报文段撞上它、无害地消失，而不是落进新连接：这是 TIME_WAIT 的第一个理由。",
	"scenario.old-duplicate-no-time-wait.moral": "没有 TIME_WAIT，旧连接的迟到报文段可能落进新连接的接收窗口，被当作新数据读出：数据被悄悄破坏。这正是 TIME_WAIT 存在的意义。",
	"scenario.syn-in-time-wait.moral":           "TIME_WAIT 并不总是挡住同一四元组上的新连接：序号比旧连接用过的都大的 SYN 只可能是新的，可以放行。",
	"scenario.syn-in-time-wait-rejected.moral":  "TIME_WAIT 分辨不出是不是旧的重复报文段的 SYN，不会被放行：Linux 用旧连接的 ACK 回应它，RFC 6191 直接丢弃。客户端能否在 2MSL 之前连上，取决于 tcp_rfc1337。",
	"scenario.rst-in-time-wait.moral":           "RST 可以提前结束 TIME_WAIT（TIME_WAIT 暗杀），随之失去对旧的重复报文段的保护。tcp_rfc1337 = 1 让 TIME_WAIT 忽略这种 RST。",
}

func init() {
	for k, v := range zhMorals {
		zhTexts[k] = v
	}
}
