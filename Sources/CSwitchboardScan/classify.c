#include "CSwitchboardScan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// One block's classes before escapes and starts are worked out.
typedef struct {
    uint64_t alnum, apostrophe, base64, space, backslash, special;
    uint64_t folded[16];
} block_classes;

#if defined(__SSE2__)
static inline uint64_t mask64(__m128i a, __m128i b, __m128i c, __m128i d) {
    return (uint64_t)(uint16_t)_mm_movemask_epi8(a) | (uint64_t)(uint16_t)_mm_movemask_epi8(b) << 16
        | (uint64_t)(uint16_t)_mm_movemask_epi8(c) << 32 | (uint64_t)(uint16_t)_mm_movemask_epi8(d) << 48;
}

static inline __m128i in_range(__m128i x, char lo, char hi) {
    // Signed compares: bytes from 0x80 up are negative, so never in an ASCII range.
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)(lo - 1))), _mm_cmplt_epi8(x, _mm_set1_epi8((char)(hi + 1))));
}

static inline void classify_block(const uint8_t *p, const uint8_t *bytes, int nbytes, block_classes *c) {
    __m128i alnum[4], apostrophe[4], base64[4], space[4], backslash[4], special[4], lower[4];
    for (int v = 0; v < 4; v++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * v));
        lower[v] = _mm_or_si128(x, _mm_set1_epi8(0x20));
        alnum[v] = _mm_or_si128(in_range(lower[v], 'a', 'z'), in_range(x, '0', '9'));
        apostrophe[v] = _mm_cmpeq_epi8(x, _mm_set1_epi8('\''));
        base64[v] = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')), _mm_cmpeq_epi8(x, _mm_set1_epi8('/'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')), _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
        space[v] = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
        backslash[v] = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
        // From 0x80 up: negative as signed bytes.
        __m128i high = _mm_cmplt_epi8(x, _mm_setzero_si128());
        __m128i ends = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('?')), _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))));
        __m128i controls = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x1B)), _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
        special[v] = _mm_or_si128(_mm_or_si128(high, ends), _mm_or_si128(controls, backslash[v]));
    }
    c->alnum = mask64(alnum[0], alnum[1], alnum[2], alnum[3]);
    c->apostrophe = mask64(apostrophe[0], apostrophe[1], apostrophe[2], apostrophe[3]);
    c->base64 = mask64(base64[0], base64[1], base64[2], base64[3]);
    c->space = mask64(space[0], space[1], space[2], space[3]);
    c->backslash = mask64(backslash[0], backslash[1], backslash[2], backslash[3]);
    c->special = mask64(special[0], special[1], special[2], special[3]);
    for (int k = 0; k < nbytes; k++) {
        __m128i b = _mm_set1_epi8((char)bytes[k]);
        c->folded[k] = mask64(_mm_cmpeq_epi8(lower[0], b), _mm_cmpeq_epi8(lower[1], b), _mm_cmpeq_epi8(lower[2], b), _mm_cmpeq_epi8(lower[3], b));
    }
}
#endif

/// The same classes byte by byte: where SSE2 is missing, and for the tests that hold the two
/// to the same answers.
static inline void classify_block_bytewise(const uint8_t *p, const uint8_t *bytes, int nbytes, block_classes *c) {
    memset(c, 0, sizeof *c);
    for (int i = 0; i < 64; i++) {
        uint8_t x = p[i], lower = x | 0x20;
        uint64_t bit = (uint64_t)1 << i;
        if ((lower >= 'a' && lower <= 'z') || (x >= '0' && x <= '9')) c->alnum |= bit;
        if (x == '\'') c->apostrophe |= bit;
        if (x == '+' || x == '/' || x == '-' || x == '_') c->base64 |= bit;
        if (x == ' ') c->space |= bit;
        if (x == '\\') c->backslash |= bit;
        if (x >= 0x80 || x == 0x1B || x == '\n' || x == '\\' || x == '"' || x == '.' || x == '!' || x == '?') c->special |= bit;
        for (int k = 0; k < nbytes; k++) if (lower == bytes[k]) c->folded[k] |= bit;
    }
}

/// The bytes of a block that follow an escape's backslash (`n` of `\n`, the second `\` of
/// `\\`), `backslash` being the block's backslashes; `carry` says whether the block's first
/// byte is escaped, and is set for the next block.
static inline uint64_t escapes(uint64_t backslash, int *carry) {
    uint64_t escaped = (uint64_t)*carry;
    *carry = 0;
    while (backslash) {
        int i = __builtin_ctzll(backslash);
        backslash &= backslash - 1;
        if (escaped >> i & 1) continue;
        if (i == 63) *carry = 1; else escaped |= (uint64_t)1 << (i + 1);
    }
    return escaped;
}

/// Block `k` of `text` (64 bytes from `k * 64`), the last one copied into `tail` with zeros
/// after the text; `left` is set to the bytes of the text from the block's start.
static inline const uint8_t *block_at(const uint8_t *text, size_t count, size_t k, uint8_t tail[64], size_t *left) {
    size_t at = k * 64;
    *left = count - at;
    if (*left >= 64) return text + at;
    memset(tail, 0, 64);
    memcpy(tail, text + at, *left);
    return tail;
}

/// The bits of a block's bytes that are text (`left` bytes from its start).
static inline uint64_t valid_bits(size_t left) {
    return left >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << left) - 1);
}

/// The positions of `mask` that start a run of its bits, `before` being the previous block's.
static inline uint64_t starts(uint64_t mask, uint64_t before) {
    return mask & ~(mask << 1 | before >> 63);
}

static void classify(const uint8_t *text, size_t count, int raw, const sb_scan_pairs *pairs, sb_scan_masks *out, int bytewise) {
    (void)bytewise;
    // The distinct bytes of the pairs, and each pair's two as indexes into them.
    uint8_t bytes[16];
    int nbytes = 0, first[8], second[8];
    int npairs = pairs ? (pairs->count < 8 ? pairs->count : 8) : 0;
    for (int k = 0; k < npairs; k++) {
        for (int side = 0; side < 2; side++) {
            uint8_t b = side ? pairs->second[k] : pairs->first[k];
            int at = 0;
            while (at < nbytes && bytes[at] != b) at++;
            if (at == nbytes) bytes[nbytes++] = b;
            if (side) second[k] = at; else first[k] = at;
        }
    }
    uint64_t alnum_before = 0;
    // Whether the block's first byte is escaped: the last one before was an escape's backslash.
    int escape_carry = 0;
    uint8_t tail[64];
    size_t blocks = (count + 63) / 64;
    block_classes c;
    for (size_t k = 0; k < blocks; k++) {
        size_t left;
        const uint8_t *p = block_at(text, count, k, tail, &left);
#if defined(__SSE2__)
        if (!bytewise) classify_block(p, bytes, nbytes, &c); else
#endif
        classify_block_bytewise(p, bytes, nbytes, &c);
        uint64_t valid = valid_bits(left);
        uint64_t escaped = raw ? escapes(c.backslash & valid, &escape_carry) : 0;
        uint64_t alnum = c.alnum & ~escaped & valid;
        uint64_t word = (alnum | (c.apostrophe & ~escaped)) & valid;
        uint64_t run = (word | (c.base64 & ~escaped)) & valid;
        uint64_t other = ~(c.alnum | c.space) & ~escaped & valid;
        uint64_t anywhere = 0;
        if (npairs) {
            // A pair starting at bit 63 ends in the next block: its first byte decides.
            int carry[16] = {0};
            if (left > 64) {
                uint8_t b = text[k * 64 + 64] | 0x20;
                for (int j = 0; j < nbytes; j++) carry[j] = bytes[j] == b;
            }
            for (int j = 0; j < npairs; j++) {
                anywhere |= c.folded[first[j]] & (c.folded[second[j]] >> 1 | (uint64_t)carry[second[j]] << 63);
            }
            anywhere &= valid;
        }
        out[k].word = word;
        out[k].run = run;
        out[k].alnum_starts = starts(alnum, alnum_before);
        out[k].other = other;
        out[k].special = c.special & ~escaped & valid;
        out[k].pairs = anywhere;
        alnum_before = alnum;
    }
}

void sb_scan_classify(const uint8_t *text, size_t count, int raw, const sb_scan_pairs *pairs, sb_scan_masks *out) {
    classify(text, count, raw, pairs, out, 0);
}

void sb_scan_classify_bytewise(const uint8_t *text, size_t count, int raw, const sb_scan_pairs *pairs, sb_scan_masks *out) {
    classify(text, count, raw, pairs, out, 1);
}

/// One block's letters and digits, backslashes, and `:` and `-`.
typedef struct {
    uint64_t alnum, backslash, punct;
} secret_classes;

#if defined(__SSE2__)
static inline void secret_block(const uint8_t *p, secret_classes *c) {
    __m128i alnum[4], backslash[4], punct[4];
    for (int v = 0; v < 4; v++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * v));
        alnum[v] = _mm_or_si128(in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z'), in_range(x, '0', '9'));
        backslash[v] = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
        punct[v] = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')), _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
    }
    c->alnum = mask64(alnum[0], alnum[1], alnum[2], alnum[3]);
    c->backslash = mask64(backslash[0], backslash[1], backslash[2], backslash[3]);
    c->punct = mask64(punct[0], punct[1], punct[2], punct[3]);
}
#endif

static inline void secret_block_bytewise(const uint8_t *p, secret_classes *c) {
    memset(c, 0, sizeof *c);
    for (int i = 0; i < 64; i++) {
        uint8_t x = p[i], lower = x | 0x20;
        uint64_t bit = (uint64_t)1 << i;
        if ((lower >= 'a' && lower <= 'z') || (x >= '0' && x <= '9')) c->alnum |= bit;
        if (x == '\\') c->backslash |= bit;
        if (x == ':' || x == '-') c->punct |= bit;
    }
}

static void secret_starts(const uint8_t *text, size_t count, uint64_t *out, int bytewise) {
    (void)bytewise;
    uint64_t alnum_before = 0;
    int escape_carry = 0;
    uint8_t tail[64];
    size_t blocks = (count + 63) / 64;
    secret_classes c;
    for (size_t k = 0; k < blocks; k++) {
        size_t left;
        const uint8_t *p = block_at(text, count, k, tail, &left);
#if defined(__SSE2__)
        if (!bytewise) secret_block(p, &c); else
#endif
        secret_block_bytewise(p, &c);
        uint64_t valid = valid_bits(left);
        uint64_t escaped = escapes(c.backslash & valid, &escape_carry);
        uint64_t alnum = c.alnum & ~escaped & valid;
        out[k] = starts(alnum, alnum_before) | ((c.punct | c.backslash) & ~escaped & valid);
        alnum_before = alnum;
    }
}

void sb_scan_secret_starts(const uint8_t *text, size_t count, uint64_t *out) {
    secret_starts(text, count, out, 0);
}

void sb_scan_secret_starts_bytewise(const uint8_t *text, size_t count, uint64_t *out) {
    secret_starts(text, count, out, 1);
}
