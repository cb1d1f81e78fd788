// Command tcpwave shows how a TCP connection closes: a live sequence diagram of both
// endpoints, a trace of every event, and the same UI served over SSH.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/tcpwave/tcpwave/view"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `tcpwave: see how a TCP connection closes.

Usage:
  tcpwave [SCENARIO|FILE] [--profile linux|rfc9293] [--set knob=value]...
                                 open the interactive diagram (default: client-close)
  tcpwave drill [SCENARIO|FILE]  predict each next step of a run: a drill with a score
  tcpwave list                   the scenario catalog
  tcpwave trace SCENARIO|FILE    print every event of a run as text
                                 (--format pcap -o FILE writes it as a capture)
  tcpwave open CAPTURE           a pcap's connection, both endpoints' states inferred
  tcpwave trace CAPTURE          the same as text
  tcpwave render SCENARIO|FILE   print the finished diagram
  tcpwave serve                  serve the UI over SSH
  tcpwave knobs                  the profile knobs and their values
  tcpwave questions [ID]         the interview questions (面试题); with an ID, open its answer
  tcpwave real SCENARIO|FILE     run it on this machine's kernel, beside the model (root)
  tcpwave real --check           the catalog on this kernel: a conformance table

Run 'tcpwave COMMAND --help' for a command's flags. 'tcpwave --version' prints the version.
`

// usageZh is usage in Chinese.
const usageZh = `tcpwave：看清一条 TCP 连接是怎么关闭的。

用法：
  tcpwave [场景|文件] [--profile linux|rfc9293] [--set knob=value]...
                                 打开交互式时序图（默认：client-close）
  tcpwave drill [场景|文件]      预测一次运行的每一步：带计分的自测
  tcpwave list                   场景目录
  tcpwave trace 场景|文件        把一次运行的每个事件打印成文本
                                 （--format pcap -o 文件：写成抓包文件）
  tcpwave open 抓包文件          抓包里的一条连接，推断两端的状态
  tcpwave trace 抓包文件         同上，以文本输出
  tcpwave render 场景|文件       打印完整的时序图
  tcpwave serve                  通过 SSH 提供这个界面（可用于课堂）
  tcpwave knobs                  配置参数及其取值
  tcpwave questions [ID]         面试题；给出 ID 则打开它的参考答案
  tcpwave real 场景|文件         在本机内核上运行同一场景，与模型并排（需 root）
  tcpwave real --check           在本机内核上跑一遍场景目录：一致性表

'tcpwave 命令 --help' 查看某个命令的选项；'tcpwave --version' 打印版本。
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 ok, 1 failure, 2 usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			return runList(args[1:], stdout, stderr)
		case "trace":
			return runTrace(args[1:], stdout, stderr)
		case "open":
			return runOpen(args[1:], stdout, stderr)
		case "knobs":
			return runKnobs(args[1:], stdout, stderr)
		case "render":
			return runRender(args[1:], stdout, stderr)
		case "questions":
			return runQuestions(args[1:], stdout, stderr)
		case "serve":
			return runServe(args[1:], stdout, stderr)
		case "drill":
			return runDrill(args[1:], stdout, stderr)
		case "real":
			return runReal(args[1:], stdout, stderr)
		case "help", "-h", "--help", "-help":
			if cliLang(args) == view.Zh {
				fmt.Fprint(stdout, usageZh)
			} else {
				fmt.Fprint(stdout, usage)
			}
			return 0
		case "version", "--version", "-version":
			fmt.Fprintf(stdout, "tcpwave %s\n", version)
			return 0
		}
	}
	return runUI(args, stdout, stderr)
}
