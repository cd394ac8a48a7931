// Search forms of text: what q, text filters and text sorting compare.
//
// Fold() is Unicode compatibility normalization (NFKC), case folding and diacritic removal
// (utf8proc COMPAT | CASEFOLD | STRIPMARK), so "José" and "JOSE" both fold to "jose", "Müller" to
// "muller", "ﬁle" to "file" and "Straße" to "strasse"; letters with a stroke that Unicode does not
// decompose map to their base letter ("Łukasz" folds to "lukasz", "Søren" to "soren"). ASCII is
// only lower-cased, and Latin letters (U+0080-U+024F, U+1E00-U+1EFF) are folded one by one from a
// table that utf8proc fills once; any other text goes through utf8proc.
// Digits() keeps the ASCII digits of a phone number, so "+1 (415) 555-0100" is "14155550100".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace contactd::search {

// REQUIRES: `s` is valid UTF-8.
std::string Fold(std::string_view s);
// Appends Fold(s) to *out.
void FoldTo(std::string_view s, std::string* out);
// FoldTo() through utf8proc alone, without the ASCII and Latin fast paths: for tests of them.
void FoldToWithoutTable(std::string_view s, std::string* out);

// The ASCII digits of `s`, in order.
std::string Digits(std::string_view s);
// Digits() appended to *out.
void DigitsTo(std::string_view s, std::string* out);

// True when `s` has a digit and otherwise only phone punctuation (+ - . ( ) / and spaces): a
// query that should also match phone numbers by their digits.
bool LooksLikePhone(std::string_view s);

}  // namespace contactd::search
