package postfix

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fullFolds are the multi-character case foldings (CaseFolding.txt status
// F) that occur in practice; simple foldings come from unicode.ToLower.
var fullFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'İ': "i̇", 'ŉ': "ʼn", 'ǰ': "ǰ",
	'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
	'և': "եւ", 'ﬓ': "մն", 'ﬔ': "մե", 'ﬕ': "մի", 'ﬖ': "վն", 'ﬗ': "մխ",
	// Simple foldings of lower-case letters to another lower-case letter.
	'\u017F': "s", '\u03C2': "\u03C3", '\u03D0': "\u03B2", '\u03D1': "\u03B8", '\u03D5': "\u03C6",
	'\u03D6': "\u03C0", '\u03F0': "\u03BA", '\u03F1': "\u03C1", '\u03F5': "\u03B5", '\u00B5': "\u03BC",
	'\u1FBE': "\u03B9",
}

// FoldKey folds a lookup key the way Postfix does for fixed-string tables
// (DICT_FLAG_FOLD_FIX, casefold() in src/util/casefold.c): ASCII keys are
// lower-cased; with SMTPUTF8 on (the default) UTF-8 keys get Unicode case
// folding, so "STRAßE" and "strasse" are the same key (verified with
// postmap 3.7). This is ICU's full case folding for the characters that
// matter in practice. Invalid UTF-8 is only ASCII-folded.
func FoldKey(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii && !upper {
		return s
	}
	if ascii || !utf8.ValidString(s) {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := fullFolds[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
