package view

// questionTexts are the words of the interview-question index's screens (the
// picker's questions tab and the answer card), by language.
var questionTexts = [numLangs]map[string]string{
	En: {
		"ui.picker.tab.scenarios":   "Scenarios",
		"ui.picker.tab.questions":   "Interview questions",
		"ui.picker.tab.hint":        "tab switches",
		"ui.picker.questions.title": "Choose a question: type to filter, ↑/↓ to move, enter to open at its answer, esc to cancel",
		"ui.picker.questions.none":  "no question matches",
		"ui.card.title":             "Answer",
		"ui.card.close":             "esc close",
		"ui.card.more":              "m more (%d/%d)",
		"ui.card.missed":            "This run does not have the step the answer points to: the diagram is at its start.",
	},
	Zh: {
		"ui.picker.tab.scenarios":   "场景",
		"ui.picker.tab.questions":   "面试题",
		"ui.picker.tab.hint":        "tab 切换",
		"ui.picker.questions.title": "选择面试题：输入以筛选，↑/↓ 移动，enter 打开到答案所在的一步，esc 取消",
		"ui.picker.questions.none":  "没有匹配的面试题",
		"ui.card.title":             "参考答案",
		"ui.card.close":             "esc 关闭",
		"ui.card.more":              "m 下一页（%d/%d）",
		"ui.card.missed":            "这次运行中没有答案所指的那一步：图停在开头。",
	},
}

func init() {
	for l, texts := range questionTexts {
		for k, v := range texts {
			catalogs[l][k] = v
		}
	}
}
