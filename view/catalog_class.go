package view

// The classroom's words (class.go), in every language; they join the catalogs at start.
var classTexts = [numLangs]map[string]string{
	En: {
		"class.room":            "room %s",
		"class.presenter":       "presenting: %d following, %d exploring",
		"class.presenter.short": "▣ %d·%d",
		"class.following":       "following the presenter · f: explore",
		"class.following.short": "following · f: explore",
		"class.exploring":       "exploring on your own · f: rejoin",
		"class.exploring.short": "exploring · f: rejoin",
		"class.none":            "no class running: your own copy",
		"class.none.short":      "no class",
		"class.flash.left":      "The presenter left: this is the last picture. Following resumes when they return; f explores from here.",
		"class.flash.joined":    "The presenter is here: you follow the class now (f explores on your own).",
		"class.flash.rejoined":  "Back with the class, where the presenter is now.",
		"class.flash.explore":   "Exploring on your own copy, from this point: every key works. f rejoins the class.",
		"key.follow":            "follow",
		"key.explore":           "explore",
		"key.long.follow":       "explore on your own / rejoin the class",
		"poll.ask":              "The presenter asks the class: answer with 1–4.",
		"poll.sent":             "Your answer, %d, is in: the presenter reveals the model's.",
		"poll.unanswered":       "The model: %s. (You did not answer.)",
		"poll.tally":            "The class:",
		"poll.waiting":          "%d yet to answer",
	},
	Zh: {
		"class.room":            "%s 教室",
		"class.presenter":       "正在讲课：%d 人跟随，%d 人自己探索",
		"class.presenter.short": "▣ %d·%d",
		"class.following":       "跟随老师 · f：自己探索",
		"class.following.short": "跟随 · f：探索",
		"class.exploring":       "自己探索中 · f：回到课堂",
		"class.exploring.short": "探索中 · f：回去",
		"class.none":            "现在没有在上课：这是你自己的副本",
		"class.none.short":      "未上课",
		"class.flash.left":      "老师离开了：画面停在最后一刻。老师回来后会继续跟随；按 f 可从这里自己探索。",
		"class.flash.joined":    "老师来了：现在跟随课堂（按 f 自己探索）。",
		"class.flash.rejoined":  "回到课堂，跳到老师现在讲到的地方。",
		"class.flash.explore":   "从这一刻起在你自己的副本上探索：所有按键都能用。按 f 回到课堂。",
		"key.follow":            "跟随",
		"key.explore":           "探索",
		"key.long.follow":       "自己探索 / 回到课堂",
		"poll.ask":              "老师向全班提问：按 1–4 作答。",
		"poll.sent":             "你的答案 %d 已提交：等老师揭晓模型给出的答案。",
		"poll.unanswered":       "模型给出的是：%s。（你没有作答。）",
		"poll.tally":            "全班：",
		"poll.waiting":          "还有 %d 人未答",
	},
}

func init() {
	for l, texts := range classTexts {
		for k, v := range texts {
			catalogs[l][k] = v
		}
	}
}
