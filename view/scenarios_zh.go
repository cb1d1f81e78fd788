package view

// zhScenarioTexts are the catalog scenarios' titles, explanations and morals in
// Chinese, by scenario.<id>.title, .explanation and .moral.
var zhScenarioTexts = map[string]string{
	"scenario.client-close.title":       "正常关闭：客户端先关",
	"scenario.client-close.explanation": "RFC 9293 Figure 12 中的四次挥手。客户端的应用调用 close()：它发出的 FIN 表示「我不会再发数据了」。服务端回 ACK，并通知自己的应用（read() 返回 0）；但服务端可能还有数据要发，所以它自己的 FIN 要晚些才发，等它的应用调用 close() 时才发出。客户端对这个 FIN 回 ACK，而且因为是它先关闭的，要在 TIME_WAIT 中等满 2MSL。每个方向各需要一个 FIN 和一个 ACK：共四个报文段。rfc9293 配置立即发送服务端的 ACK；Linux 则把它延迟 40 ms，等数据来捎带，但应用要 200 ms 后才关闭，所以最后只能单独发出。Linux 的 TIME_WAIT 持续 60 s，而不是 240 s。",

	"scenario.server-close.title":       "正常关闭：服务端先关",
	"scenario.server-close.explanation": "哪一方都可以先关闭。这里是镜像情形：服务端先关闭（不启用 keep-alive 的 HTTP 服务器每发完一个响应都会这样做）。现在服务端是主动关闭方，所以由服务端承担 TIME_WAIT，它以四元组为键。先关闭连接的繁忙服务器会积攒成千上万个 TIME_WAIT socket；它们占用内存，但真正受影响的，只有随后很快又复用同一个源端口的客户端。",

	"scenario.simultaneous-close.title":       "同时关闭",
	"scenario.simultaneous-close.explanation": "双方应用在同一时刻调用 close()，两个 FIN 在时延 50 ms 的链路上交错而过（RFC 9293 Figure 13）。每一方收到的 FIN 都没有确认自己发出的 FIN，于是各自进入 CLOSING，并对对方的 FIN 回 ACK；这两个 ACK 到达后，双方都进入 TIME_WAIT。这里双方都要等 2MSL：谁都不是被动关闭方。",

	"scenario.fin-ack-merged.title":       "FIN 与 ACK 合并（三次挥手）",
	"scenario.fin-ack-merged.explanation": "服务端的应用在 read() 返回 EOF 后立即调用 close()。在 Linux 下，对客户端 FIN 的 ACK 会被延迟（约 40 ms，pingpong 模式），于是服务端的 FIN 把它捎带上：FIN|ACK，关闭只用三个报文段。客户端收到的 FIN 同时确认了自己的 FIN，于是从 FIN_WAIT_1 直接进入 TIME_WAIT。rfc9293 配置每个 ACK 都立即发送（这是本配置的选择：RFC 9293 建议使用延迟确认），于是又变回四个报文段。「四次」是没有丢包时挥手最多需要的次数，不是铁律。",

	"scenario.half-close.title":       "用 shutdown(SHUT_WR) 半关闭",
	"scenario.half-close.explanation": "客户端调用 shutdown(SHUT_WR)：「我不会再发数据了，但你可以接着说」。服务端读到 EOF 之后，仍然发送了 5 块各 100 字节的数据，每块间隔 200 ms；这期间服务端停在 CLOSE_WAIT，客户端在 FIN_WAIT_2 中读取这些数据。挥手之所以要四个报文段，原因就在这里：一个 FIN 只关闭一个方向。只有等服务端也关闭，第二个 FIN 才会发出。",

	"scenario.unread-data-rst.title":       "带着未读数据 close()：发送 RST",
	"scenario.unread-data-rst.explanation": "服务端发来 100 字节，客户端的应用始终没有读，随后客户端调用 close()。Linux 不发 FIN：有数据丢失了，而对端以为它们已经送达，所以它用 RST 重置连接（RFC 9293 §3.6.1 SHLD-3，RFC 2525 §2.17）。客户端直接进入 CLOSED，不经过 TIME_WAIT；服务端的应用收到 ECONNRESET。在 rfc9293 配置下，close() 只关闭发送方向：发出一个 FIN，连接有序关闭。",

	"scenario.linger-abort.title":       "SO_LINGER {1, 0}：用 RST 中止连接",
	"scenario.linger-abort.explanation": "客户端设置超时为 0 的 SO_LINGER，然后调用 close()。这就是中止连接（abort，RFC 9293 §3.10.5）：用 RST 代替 FIN，未发送的数据被丢弃。Linux 立即释放端口，不经过 TIME_WAIT，压测工具正是因此才这样做；服务端的应用收到 ECONNRESET。RFC 9293 在这一点上自相矛盾：§3.5.2 和 Figure 5 的 note 3 说，RST 的发送方自己应当进入 TIME_WAIT（rfc9293 配置就是这样做的）；而 §3.10.5 ABORT 却说「进入 CLOSED」（想按这种理解来，可设置 rst_sender_time_wait=0）。",

	"scenario.fin-wait-2-timeout.title":       "FIN_WAIT_2 超时（tcp_fin_timeout）",
	"scenario.fin-wait-2-timeout.explanation": "这里 tcp_fin_timeout 设为 5 s。客户端关闭；服务端读到 EOF，但它的应用 8 s 后才调用 close()。RFC 在 FIN_WAIT_2 中没有定时器，Linux 却为应用已经放手的 socket（孤儿连接）设了一个：经过 tcp_fin_timeout 后，客户端的 socket 悄无声息地消失。等服务端的 FIN 终于到来，客户端主机上已经没有这个连接，于是回一个 RST。",

	"scenario.peer-never-closes.title":       "对端始终不关闭（CLOSE_WAIT 泄漏）",
	"scenario.peer-never-closes.explanation": "客户端关闭；服务端的应用读到 EOF 后却始终不调用 close()，这是个 bug。服务端永远停在 CLOSE_WAIT：无论 RFC 还是 Linux，都没有定时器能结束它。一台主机上的 CLOSE_WAIT socket 越积越多，说明是它自己的应用忘了关闭。客户端则在 FIN_WAIT_2 中等待：按 RFC 是永远等下去，在 Linux 下等 tcp_fin_timeout（60 s），之后悄然消失，服务端面对的已是一个不存在的对端。",

	"scenario.close-wait-keepalive.title":       "保活结束 CLOSE_WAIT 泄漏",
	"scenario.close-wait-keepalive.explanation": "和 peer-never-closes 一样，服务端的应用始终不调用 close()，但这次它设置了 SO_KEEPALIVE（空闲 90 s 后开始探测，每 10 s 一次）。在 Linux 下，客户端那个孤儿 FIN_WAIT_2 socket 在 tcp_fin_timeout（60 s）后已经消失；服务端的第一个探测带着一个旧序号，任何存活的对端都必须对它回 ACK，可它到达的是一台已没有该连接的主机，于是引出一个 RST，CLOSE_WAIT socket 终于被释放。在 rfc9293 配置下，客户端永远停在 FIN_WAIT_2，对每个探测都回 ACK，双方都卡住不动：这里展示 10 分钟。",

	"scenario.lost-first-fin.title":       "第一个 FIN 丢失",
	"scenario.lost-first-fin.explanation": "客户端的 FIN 丢了。服务端一无所知，仍处于 ESTABLISHED。客户端在 FIN_WAIT_1 中等待，直到重传定时器到期，再次发送同一个 FIN，序号不变；这一次它到达了。服务端读到 EOF 后立即调用 close()。",

	"scenario.lost-fin-twice.title":       "第一个 FIN 连丢两次",
	"scenario.lost-fin-twice.explanation": "客户端的 FIN 和它的第一次重传都丢了。在 rfc9293 配置下，每次超时重传都让 RTO 翻倍（指数退避，RFC 6298 5.5）：第三个副本在 RTO + 2·RTO 之后发出。Linux 则先发一个尾部丢包探测（RFC 8985）：第二个副本在探测超时（2·SRTT + rto_min，且不超过 RTO）到期时发出，不做退避；之后才是真正的超时和退避。对于已被 close() 的 socket，Linux 在 tcp_orphan_retries（8）次超时后放弃重传它的 FIN。",

	"scenario.lost-ack-of-fin.title":       "对第一个 FIN 的 ACK 丢失",
	"scenario.lost-ack-of-fin.explanation": "服务端对客户端的 FIN 回了 ACK，但这个 ACK 丢了。服务端处于 CLOSE_WAIT，它的应用 2 s 后才会关闭；客户端卡在 FIN_WAIT_1。客户端的 RTO 到期后重发 FIN；服务端发现这是重复的 FIN，再回一次 ACK，仍停在 CLOSE_WAIT；客户端随之进入 FIN_WAIT_2。",

	"scenario.lost-server-fin.title":       "服务端的 FIN 丢失",
	"scenario.lost-server-fin.explanation": "第三个报文段丢了。服务端在 LAST_ACK 中等一个永远不会来的 ACK；客户端在 FIN_WAIT_2 中等一个它从未见到的 FIN。服务端的 RTO 到期后重发 FIN；客户端回 ACK，进入 TIME_WAIT。",

	"scenario.lost-final-ack.title":       "最后一个 ACK 丢失",
	"scenario.lost-final-ack.explanation": "客户端的最后一个 ACK 丢了：客户端已经进入 TIME_WAIT，服务端仍在 LAST_ACK。服务端的 RTO 到期后重发 FIN；仍处于 TIME_WAIT 的客户端再回一次 ACK，并重新开始 2MSL 计时。这就是需要 TIME_WAIT 的第二个原因：假如客户端已经忘掉了这个连接，重发的 FIN 就会引出一个 RST，服务端看到的将是一个错误，而不是正常关闭。",

	"scenario.data-after-close-rst.title":       "close() 之后收到数据：回 RST",
	"scenario.data-after-close-rst.explanation": "客户端调用的是 close()，不是 shutdown()：它再也不会读了。服务端读到 EOF 后仍然写了 10 字节。Linux 无法把这些数据交给任何人，于是客户端回一个 RST 并丢弃连接（RFC 9293 §3.6.1 SHLD-3）。服务端的下一次写会以 EPIPE 失败。真正的半关闭要用 shutdown(SHUT_WR)。在 rfc9293 配置下，close() 只关闭发送方向：这些数据被接收，并得到 ACK。",

	"scenario.old-duplicate.title":       "旧的重复报文段遇上 TIME_WAIT",
	"scenario.old-duplicate.explanation": "服务端写入 10 字节；链路把它的一个副本扣留 2 s。连接关闭，客户端停在 TIME_WAIT。1 s 时客户端的应用从同一个端口（它绑定了这个端口）重新连接。接下来怎样，取决于时间戳。Linux（tcp_timestamps = 1）：TIME_WAIT 记着服务端最后的时间戳，所以 connect() 直接接管它（ISN = 旧的 SND.NXT + 65537），新连接建立。服务端新的 ISN 让那些旧字节恰好落在新连接的接收窗口内（这里用 next_isn 强制如此），但 2 s 时到达的旧副本带着旧的时间戳：PAWS 把它丢弃，只回一个纯 ACK。rfc9293 配置没有时间戳：TIME_WAIT 占住这个四元组，connect() 以 EADDRNOTAVAIL 失败，2 s 时旧副本撞上 TIME_WAIT，换来一个 ACK 后被丢弃：无害。（不绑定端口的 connect() 两种情况都不会遇到：它会换一个端口，见 connect-reuses-time-wait。这里开启了 tcp_rfc1337，这样 TIME_WAIT 的 ACK 引出的 RST 就不会结束它；见 rst-in-time-wait。）可与 old-duplicate-no-time-wait 对照。",

	"scenario.old-duplicate-no-time-wait.title":       "没有 TIME_WAIT：旧的重复报文段破坏新连接",
	"scenario.old-duplicate-no-time-wait.explanation": "同样的过程，只是关掉了 TIME_WAIT（SO_LINGER 0、TIME_WAIT 表已满，或者旧版的 tcp_tw_recycle，都会造成这种效果）。客户端在 1 s 时在同一个四元组上重新连接，服务端选的 ISN 恰好让那些旧字节落在新连接的接收窗口内（这里用 next_isn 强制如此；真实协议栈的 ISN 时钟以及 PAWS 时间戳，让这种情况在慢速链路上不太可能发生，但快速的连接可能跑得比 ISN 时钟还快，RFC 9293 §3.4.3）。2 s 时旧副本到达，被当作新数据接收：应用读到了 10 字节，而服务端从未在这个连接上发送过它们。这就是 TIME_WAIT 存在的原因。这里也关掉了时间戳（tcp_timestamps = 0）：如果开着，PAWS 仍会凭旧的时间戳拒绝这个旧副本，就像 old-duplicate 里那样。",

	"scenario.syn-in-time-wait.title":       "新 SYN 到达 TIME_WAIT（被接受）",
	"scenario.syn-in-time-wait.explanation": "服务端先关闭，停在 TIME_WAIT。客户端从同一个端口再次连接，ISN 高于旧连接的序号。TIME_WAIT 能判断出这是新连接，而不是旧的重复报文段，于是放新连接进来（RFC 9293 MAY-2，RFC 6191）；Linux 为服务端这一侧选的新 ISN 是旧的 SND.NXT + 65537。",

	"scenario.syn-in-time-wait-rejected.title":       "新 SYN 到达 TIME_WAIT（被拒绝）",
	"scenario.syn-in-time-wait-rejected.explanation": "和上例一样，但客户端新的 ISN 低于旧连接的序号，而且时间戳是关闭的（tcp_timestamps = 0），没有任何东西能证明这个 SYN 是新的。（开启时间戳、也就是 Linux 的默认设置时，SYN 更新的 TSval 就能证明这一点，TIME_WAIT 会放它进来：RFC 6191 §2；可以试试 --set tcp_timestamps=1。）Linux 的 TIME_WAIT 用旧连接的 ACK 回应；处于 SYN_SENT 的客户端看到这个 ACK 确认的是自己从未发送过的东西，于是回 RST。tcp_rfc1337 = 0 时，这个 RST 杀掉了 TIME_WAIT，客户端的下一个 SYN 就能进来；tcp_rfc1337 = 1 时，客户端只能不断重试，直到 TIME_WAIT 结束。RFC 6191 的做法则是静默丢弃这个 SYN。",

	"scenario.rst-in-time-wait.title":           "RST 到达 TIME_WAIT（TIME_WAIT 暗杀）",
	"scenario.rst-in-time-wait.explanation":     "RFC 1337 Figure 1。正常关闭之后，客户端停在 TIME_WAIT。一个旧的重复报文段到达；TIME_WAIT 回一个 ACK。服务端主机上已经没有这个连接，便用 RST 回应这个 ACK；这个 RST 的序号恰好等于 RCV.NXT，让 TIME_WAIT 提前结束：这就是 TIME_WAIT 暗杀。开启 tcp_rfc1337 = 1（RFC 1337 的修复 F1）后，这个 RST 会被忽略，TIME_WAIT 继续保护该四元组。",
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
	"scenario.old-duplicate.moral":              "有两道防线让旧的重复报文段进不了同一个四元组上的新连接。TIME_WAIT 在 2MSL 内占住这个四元组，旧报文段撞上它就消失了。有了时间戳，PAWS 会拒绝时间戳比连接当前时间戳更旧的任何报文段；正因为如此，Linux 才允许已绑定端口的 connect() 接管自己的 TIME_WAIT。",
	"scenario.old-duplicate-no-time-wait.moral": "没有 TIME_WAIT，旧连接的迟到报文段可能落进新连接的接收窗口，被当作新数据读出：数据被悄悄破坏。这正是 TIME_WAIT 存在的意义。",
	"scenario.syn-in-time-wait.moral":           "TIME_WAIT 并不总是挡住同一四元组上的新连接：序号比旧连接用过的都大的 SYN 只可能是新的，可以放行。",
	"scenario.syn-in-time-wait-rejected.moral":  "TIME_WAIT 分辨不出是不是旧的重复报文段的 SYN，不会被放行：Linux 用旧连接的 ACK 回应它，RFC 6191 直接丢弃。客户端能否在 2MSL 之前连上，取决于 tcp_rfc1337。",
	"scenario.rst-in-time-wait.moral":           "RST 可以提前结束 TIME_WAIT（TIME_WAIT 暗杀），随之失去对旧的重复报文段的保护。tcp_rfc1337 = 1 让 TIME_WAIT 忽略这种 RST。",
	// Issue 11.
	"scenario.out-of-order-fin.title":               "FIN 超过了最后的数据（乱序）",
	"scenario.out-of-order-fin.explanation":         "客户端已经用 shutdown(SHUT_WR) 关闭了自己的发送方向，仍在读。服务端读到 EOF，100 ms 后写入 10 字节并立即关闭，于是数据和 FIN 同时发出。链路把数据报文段扣留了 50 ms，FIN 先到，落在 RCV.NXT 之后。客户端还不能处理它：FIN 要等它之前的每个字节都到齐才能关闭数据流。于是客户端把 FIN 放进乱序队列，仍停在 FIN_WAIT_2，并立即回一个重复 ACK，确认号仍指向缺失的数据。数据一到，空洞补上：字节和排在后面的 FIN 按顺序交付，客户端立即一并确认，这时才进入 TIME_WAIT。两种配置都这样做：RFC 9293 说这样的报文段应当（SHOULD）留待以后处理，RFC 5681 说应当（SHOULD）立即发出重复 ACK。把数据送到的方式却不同。Linux 协商了 SACK：重复 ACK 带着一个指明 FIN 的 SACK 块，服务端的 RACK 看到比数据晚发的报文段已经到达，等过一个乱序窗口（min_RTT/4）就重传数据，赶在被扣留的副本之前；那个副本随后撞上 TIME_WAIT，TIME_WAIT 回的 ACK 又从已关闭的服务端引出一个 RST。rfc9293 配置没有 SACK，只能等被扣留的副本到达。",
	"scenario.out-of-order-fin.moral":               "FIN 和数据字节一样在序号空间里占一个位置：提前到达的 FIN 只会被暂存，不会被处理，直到它之前的所有数据都到齐；重复 ACK 则立刻把空洞告诉发送方。",
	"scenario.connect-reuses-time-wait.title":       "自动分配端口的 connect() 遇上 TIME_WAIT（tcp_tw_reuse）",
	"scenario.connect-reuses-time-wait.explanation": "客户端先关闭，停在 TIME_WAIT。随后它的应用又两次连接同一个服务端，都不绑定端口，由内核选择本地端口，而内核可能选中这个 TIME_WAIT 的端口。这里两台主机经回环接口通信，Linux 默认的 tcp_tw_reuse = 2 允许这样的 connect() 接管 TIME_WAIT，因为时间戳（PAWS）会保护新连接；但要等最后一个时间戳到达 TIME_WAIT 之后 tcp_tw_reuse_delay（1 s）。0.5 s 时还太早：内核换用另一个端口，TIME_WAIT 原样保留。1.5 s 时可以了：新连接接管 TIME_WAIT，ISN 为旧的 SND.NXT + 65537。试试 --set loopback=0 或 --set tcp_tw_reuse=0：内核就再也不会接管它。rfc9293 配置没有时间戳，同样永远不会接管。",
	"scenario.connect-reuses-time-wait.moral":       "不绑定端口的 connect() 从不会因为 TIME_WAIT 而失败：它要么换一个端口，要么在 tcp_tw_reuse 允许、且有时间戳保护新连接时，过一秒后接管 TIME_WAIT。",
}

func init() {
	for k, v := range zhScenarioTexts {
		zhTexts[k] = v
	}
}
