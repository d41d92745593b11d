#ifndef C_SWITCHBOARD_SCAN_H
#define C_SWITCHBOARD_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Bit masks over 64 bytes of text, bit n for byte n (the last block's bits past the text are 0).
typedef struct {
    /// Word bytes: ASCII letters, digits and the apostrophe (where a run of them starts is
    /// `word & ~(word << 1 | previous word >> 63)`, left to the reader: 48 bytes a block keep
    /// a kilobyte's masks on the stack).
    uint64_t word;
    /// Run bytes: word bytes and `+ / - _`, the alphabets of base64 and hex.
    uint64_t run;
    /// Where a run of ASCII letters and digits starts (a secret's, a number's, a name's start).
    uint64_t alnum_starts;
    /// Bytes that are no ASCII letter, digit or space.
    uint64_t other;
    /// Of those, the ones that end sentences or need a closer look: bytes from 0x80 up, ESC,
    /// line breaks, `\ " . ! ?`.
    uint64_t special;
    /// Where one of the `anywhere` pairs starts.
    uint64_t pairs;
} sb_scan_masks;

/// The byte pairs (ASCII, lowercased) that start a substring the screen must find anywhere,
/// also inside a word; bytes compared with 0x20 set, so `A` is `a`.
typedef struct {
    int count;
    uint8_t first[8];
    uint8_t second[8];
} sb_scan_pairs;

/// Classifies `count` bytes of `text` into `(count + 63) / 64` blocks of `out`. With `raw`
/// the text is JSON as it came: the byte after an escape's backslash (`n` of `\n`) is in none
/// of the masks, so words and runs break there as they do once decoded. At most 8 `pairs`.
///
/// Why C: the masks take SSE2's byte compares and `movemask`, 16 bytes to an instruction,
/// which Swift's SIMD types do not lower to; without SSE2 the same masks are made byte by byte.
void sb_scan_classify(const uint8_t *text, size_t count, int raw, const sb_scan_pairs *pairs, sb_scan_masks *out);

/// `sb_scan_classify` without SSE2, as on machines that lack it: the same masks.
void sb_scan_classify_bytewise(const uint8_t *text, size_t count, int raw, const sb_scan_pairs *pairs, sb_scan_masks *out);

/// Where a secret may start in raw JSON, a bit per byte in `(count + 63) / 64` words: where a
/// run of ASCII letters and digits starts (a token starts a word), and `:` (a URL's password),
/// `-` (a key block) and `\` (an escape, which the reader checks for `\u`), escaped bytes in
/// none. `sb_scan_classify`'s `alnum_starts | other` narrowed to what secrets need, at a
/// third of its compares: a call's arguments are read for secrets only.
void sb_scan_secret_starts(const uint8_t *text, size_t count, uint64_t *out);

/// `sb_scan_secret_starts` byte by byte: the same bits.
void sb_scan_secret_starts_bytewise(const uint8_t *text, size_t count, uint64_t *out);

#endif
