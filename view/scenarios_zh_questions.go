package view

// zhQuestionScenarioTexts are the Chinese titles, explanations and morals of the
// scenarios added for the interview-question index (issue 10).
var zhQuestionScenarioTexts = map[string]string{
	"scenario.fin-retries-exhausted.title":       "FIN 始终得不到 ACK（tcp_orphan_retries）",
	"scenario.fin-retries-exhausted.explanation": "客户端调用 close()，它的 FIN 却一次又一次丢失：到服务端的路径断了。此时 socket 已是孤儿（没有进程再持有它），于是 Linux 按 tcp_orphan_retries 重传 FIN（8 次，sysctl 为 0 时也是 8 次），每次 RTO 翻倍，然后悄无声息地释放 socket：不发 RST，也不报错，因为已经没有人可以通知了。服务端从没见过这个 FIN，一直停在 ESTABLISHED。在 rfc9293 配置下，socket 按它的 R2 次数放弃，应用收到 ETIMEDOUT。",
	"scenario.fin-retries-exhausted.moral":       "一直得不到 ACK 的 FIN 会按指数退避重传，之后孤儿 socket 被悄悄释放（tcp_orphan_retries）：不发 RST；对端从没收到 FIN，仍停在 ESTABLISHED。",

	"scenario.lost-final-ack-no-time-wait.title":       "最后一个 ACK 丢失，且没有 TIME_WAIT",
	"scenario.lost-final-ack-no-time-wait.explanation": "和 lost-final-ack 一样，客户端的最后一个 ACK 丢了，但这里客户端不保留 TIME_WAIT（skip_time_wait=1，就像 SO_LINGER {1, 0}、TIME_WAIT 表满了或已被删除的 tcp_tw_recycle 那样），直接进入 CLOSED。服务端重发 FIN，到达的却是一台没有这个连接的主机：换来一个 RST，本来顺利的关闭变成了一个错误。这就是 TIME_WAIT 的第二个理由失效时的样子。",
	"scenario.lost-final-ack-no-time-wait.moral":       "没有 TIME_WAIT，就没有人为对端重发的 FIN 回 ACK：它换来一个 RST，本已顺利的关闭以错误收场。TIME_WAIT 的存在，就是为了让最后一个 ACK 可靠。",

	"scenario.why-2msl.title":       "为什么是 2MSL：重发的 FIN 尽可能晚地到达",
	"scenario.why-2msl.explanation": "一条很慢的路径：每个报文段要 29 s 才能到对端，略小于 30 s 的 MSL（Linux 的 60 s TIME_WAIT 即 2 × 30 s）；服务端的 RTO 是 59 s，刚好比一个往返长一点（rto_max=59s；关闭了尾部丢包探测，好让唯一的一次重发来自 RTO）。客户端的最后一个 ACK 在途中丢失。服务端要等 RTO 到期才知道，也就是它的 FIN 发出一个往返之后；重发的 FIN 还要再走 29 s：它在 ACK 发出 59 s 后才到达客户端，这几乎是对这个 ACK 的回应所能到达的最晚时刻：ACK 一个 MSL，FIN 一个 MSL。此时 TIME_WAIT 还在，只剩 1 s，它回 ACK 并重新开始 2MSL。",
	"scenario.why-2msl.moral":       "最后一个 ACK 在丢失前最多能存活一个 MSL，替它重发的 FIN 最多再存活一个 MSL：2MSL 是客户端可能被要求再回一次 ACK 的最长时间，所以 TIME_WAIT 要等这么久。",

	"scenario.peer-host-gone.title":       "对端主机消失（tcp_retries2）",
	"scenario.peer-host-gone.explanation": "连接建立后不久，服务端主机断电：它的一切状态都没了，也再收不到任何东西，所以客户端发出的每个报文段都丢失，也没有任何回应。客户端写了 10 字节；它们按指数退避重传，直到 tcp_retries2（15）次重传都没有回应，在 Linux 下大约 15 分钟，然后连接被丢弃，应用收到 ETIMEDOUT。FIN 和 RST 都不会来：如果没有数据要发，只有保活能发现（见 peer-host-gone-keepalive）。图中服务端的一半画的是断电那一刻的样子。",
	"scenario.peer-host-gone.moral":       "消失的主机既不发 FIN 也不发 RST：有数据要发的一方，只有等重传次数用完（tcp_retries2，约 15 分钟）才会发现，应用收到 ETIMEDOUT。",

	"scenario.peer-host-gone-keepalive.title":       "对端主机消失，由保活发现",
	"scenario.peer-host-gone-keepalive.explanation": "和 peer-host-gone 一样，服务端主机没了，但客户端没有数据要发：没有保活，它会永远等下去。它按 Linux 的默认值开启了 SO_KEEPALIVE：空闲 2 小时（tcp_keepalive_time 7200 s）后发一个探测，之后每 75 s 一个（tcp_keepalive_intvl）；9 个探测（tcp_keepalive_probes）都没有回应时，连接被丢弃，应用收到 ETIMEDOUT，距最后一次对端的动静已过去 2 小时 11 分 15 秒。时间轴是压缩的：漫长的等待画成断开的一段。",
	"scenario.peer-host-gone-keepalive.moral":       "空闲的连接面对已消失的主机，不开保活就什么也发现不了；即使开了，按 Linux 的默认值也要两个多小时（7200 s + 9 × 75 s）才放弃。",

	"scenario.linger-graceful.title":       "SO_LINGER {1, 2 s}：等 FIN 被 ACK",
	"scenario.linger-graceful.explanation": "客户端写入 100 字节，设置超时为 2 s 的 SO_LINGER，然后调用 close()。FIN 照常发出，但 close() 不会立刻返回：应用一直阻塞到 FIN 被 ACK（Linux sk_stream_wait_close），这里要一个往返再加上服务端的延迟确认。之后 close() 返回 0，关闭照常进行，客户端经过 FIN_WAIT_2 进入 TIME_WAIT。这样等待换来的是：确知对端的 TCP 已收到每一个字节（但不代表对端应用已经读了）。对照 linger-abort（SO_LINGER {1, 0}）和 linger-timeout（时间先用完）。",
	"scenario.linger-graceful.moral":       "带超时的 SO_LINGER 让 close() 等到自己的 FIN 被 ACK：对端的 TCP 收齐之后它返回 0，关闭照常进行，和普通的 close() 一样。",

	"scenario.linger-timeout.title":       "SO_LINGER {1, 1 s} 超时",
	"scenario.linger-timeout.explanation": "和 linger-graceful 一样，客户端在 SO_LINGER {1, 1 s} 下 close()，但它的 FIN 丢了五次（第一次发送、Linux 的尾部丢包探测和三次重传）。数据已被 ACK，FIN 没有。1 s 后 close() 照样返回 0：Linux 不发 RST，也不丢弃任何东西（BSD 的 close() 在这里返回 EWOULDBLOCK；只有 SO_LINGER {1, 0} 才发 RST）。此时已成孤儿的 socket 继续重发 FIN，第六次终于送达，关闭照常结束。可应用分辨不出这次返回和 linger-graceful 那次有什么不同。",
	"scenario.linger-timeout.moral":       "SO_LINGER 的时间用完时，Linux 的 close() 照样返回 0，好像什么都没发生：不发 RST，不报错，FIN 仍在后台重发。带超时的 SO_LINGER 限制的是 close() 阻塞多久，而不是 TCP 做什么。",

	"scenario.time-wait-blocks-port.title":       "TIME_WAIT 占住客户端的端口",
	"scenario.time-wait-blocks-port.explanation": "一个繁忙的客户端关闭连接，1 s 后又从同一个本地端口连向同一个服务端。TIME_WAIT 还占着这个四元组：connect() 以 EADDRNOTAVAIL 失败。直到 2MSL 定时器到期（Linux 下 60 s，rfc9293 配置下 240 s），同样的 connect() 才能成功，重新握手。客户端新建连接的速度如果快到端口范围撑不过一个 TIME_WAIT，每个端口都会遇到这种情况：按 Linux 默认的 ip_local_port_range（32768-60999，共 28232 个端口）连同一个服务端地址和端口，大约每秒 470 个连接。这里关闭了时间戳（tcp_timestamps = 0）：开着时间戳，Linux 允许从绑定的端口 connect() 接管 TIME_WAIT（见 old-duplicate），tcp_tw_reuse 也允许自动分配的端口在 1 s 后这样做（见 connect-reuses-time-wait）。",
	"scenario.time-wait-blocks-port.moral":       "每个 TIME_WAIT 都把它的四元组、也就是客户端连这个服务端用的端口，占住 2MSL：在它上面 connect() 会以 EADDRNOTAVAIL 失败，直到定时器到期；繁忙的客户端就是这样把端口耗尽的。",
}

func init() {
	for k, v := range zhQuestionScenarioTexts {
		zhTexts[k] = v
	}
}
