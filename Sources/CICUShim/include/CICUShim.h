// A coarse C interface to the system ICU (libicu-dev), for Swift.
//
// Swift cannot see ICU's headers next to Foundation (which bundles its own ICU), and ICU's plain
// names are macros for versioned symbols; this shim includes ICU only in its .c file and exposes
// plain stdint types. Each call handles a whole buffer, so crossing into C costs nothing per word.
#ifndef CURATE_ICU_SHIM_H
#define CURATE_ICU_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Reusable ICU state for one thread: break iterators, UText and scratch buffers.
typedef struct curate_icu_analyzer curate_icu_analyzer;

/// A word found by ICU's word break iterator: byte offsets into the UTF-8 input.
typedef struct {
    int32_t start;      // first byte
    int32_t end;        // one past the last byte
    int32_t status;     // ICU rule status: 100–199 number, 200–299 letters, 300–399 kana, 400–499 ideographs
    int32_t chars;      // code points
    int32_t flags;      // CURATE_WORD_* bits
} curate_icu_word;

enum {
    CURATE_WORD_HAS_ALPHA = 1,  // contains a letter (general category L*)
    CURATE_WORD_ASCII = 2,      // every byte is ASCII
};

/// Script classes counted by curate_icu_script_counts (letters only).
enum {
    CURATE_SCRIPT_LATIN = 0,
    CURATE_SCRIPT_HAN,
    CURATE_SCRIPT_HIRAGANA,
    CURATE_SCRIPT_KATAKANA,
    CURATE_SCRIPT_HANGUL,
    CURATE_SCRIPT_CYRILLIC,
    CURATE_SCRIPT_ARABIC,
    CURATE_SCRIPT_GREEK,
    CURATE_SCRIPT_THAI,
    CURATE_SCRIPT_DEVANAGARI,
    CURATE_SCRIPT_HEBREW,
    CURATE_SCRIPT_OTHER,
    CURATE_SCRIPT_COUNT
};

/// Creates an analyzer (NULL on failure). `locale` picks the break rules, e.g. "en".
curate_icu_analyzer *curate_icu_analyzer_create(const char *locale);
void curate_icu_analyzer_destroy(curate_icu_analyzer *analyzer);

/// NFKC-normalizes UTF-8 text. Returns the length of the result and points `*out` at it (owned by the
/// analyzer, valid until its next call); returns -2 when the text is already NFKC (use the input),
/// -1 on error.
int32_t curate_icu_nfkc(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length, const uint8_t **out);

/// Segments UTF-8 text into words (segments whose rule status is a word status: spaces and
/// punctuation are left out). Returns the count and points `*words` at them (owned by the analyzer).
int32_t curate_icu_words(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length, const curate_icu_word **words);

/// Segments UTF-8 text into tokens: words and every other segment that is not white space
/// (punctuation and symbols become tokens of their own), as a language model wants them.
int32_t curate_icu_tokens(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length, const curate_icu_word **tokens);

/// Writes a folded copy of a UTF-8 token to `out` (capacity at least 4 × length): letters lower-cased
/// (simple case mapping) when `lowercase`, every decimal digit (any script) replaced by '0' when
/// `fold_digits`. Returns the number of bytes written.
int32_t curate_icu_fold(const uint8_t *utf8, int32_t length, int lowercase, int fold_digits, uint8_t *out);

/// cc_net's line normalisation, for counting repeated lines: lower-cased, accents removed (NFD, then
/// combining marks dropped), digits replaced by '0', punctuation removed, white space collapsed to one
/// space and trimmed. Returns the length written to `*out` (owned by the analyzer), or -1.
int32_t curate_icu_normalize_line(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length, const uint8_t **out);
// The same by ICU for every line (curate_icu_normalize_line takes a table-driven path for lines of
// ASCII and CJK Unified Ideographs only); for tests that compare the two.
int32_t curate_icu_normalize_line_general(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length, const uint8_t **out);

/// Counts sentences in UTF-8 text with ICU's sentence break iterator (Unicode UAX #29 rules: "Dr. Smith"
/// is two sentences, "10 a.m. on Monday" one). Segments holding no letter or digit are not counted.
int32_t curate_icu_sentence_count(curate_icu_analyzer *analyzer, const uint8_t *utf8, int32_t length);

/// Adds, per script class, the number of letters in the UTF-8 text to `counts[CURATE_SCRIPT_COUNT]`.
void curate_icu_script_counts(const uint8_t *utf8, int32_t length, int32_t *counts);

/// Unicode properties of one code point.
int curate_icu_is_sentence_terminal(uint32_t codepoint);  // Sentence_Terminal (STerm)
int curate_icu_is_alpha(uint32_t codepoint);              // general category L*
int curate_icu_is_white_space(uint32_t codepoint);        // White_Space

/// The ICU version, e.g. "72.1".
const char *curate_icu_version(void);

#ifdef __cplusplus
}
#endif

#endif
