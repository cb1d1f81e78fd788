package view

// captureTexts are the words of captures (issue 13): writing a run as a pcap, and
// opening a capture with both endpoints' states inferred.
var captureTexts = map[Lang]map[string]string{
	En: {
		"key.write":         "write pcap",
		"key.long.write":    "write this run as a pcap file",
		"flash.write":       "Wrote %s: %d packets, every segment as it left its sender (tcpdump -r %s -n -S).",
		"flash.write.error": "Cannot write %s: %s",
	},
	Zh: {
		"key.write":         "写出 pcap",
		"key.long.write":    "把这次运行写成 pcap 文件",
		"flash.write":       "已写出 %s：%d 个包，每个报文段记在它离开发送方的时刻（tcpdump -r %s -n -S）。",
		"flash.write.error": "无法写出 %s：%s",
	},
}

func init() {
	for l, texts := range captureTexts {
		for k, v := range texts {
			catalogs[l][k] = v
		}
	}
}
