package view

// zhTexts is the Chinese catalog: the same keys as enTexts, with the same verbs.
var zhTexts = map[string]string{}
