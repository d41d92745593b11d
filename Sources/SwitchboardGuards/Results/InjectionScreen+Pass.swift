import CSwitchboardScan

/// The prefilter's pass over a text (`InjectionScreen.mightMatch`): the classifier's masks,
/// then a few loops, each over one kind of marked position so that its branches go mostly one
/// way — sentence ends, runs, word starts, other bytes. What a word or substring adds goes to
/// the sentence its position is in; at the end each sentence is held against the rules.
extension InjectionScreen {
    /// Whether `text` (JSON as it came with `raw`, else a decoded string) may hold text a rule
    /// matches: false clears it. Sentence rules are judged sentence by sentence, cut where
    /// `GuardSentence` always cuts (`. `, a sentence's end before a line break, a blank line,
    /// and in raw JSON a string's end), so words scattered over a long text do not add up.
    ///
    /// With `secrets` or `pii` the same pass also looks for a secret's or personal data's start
    /// (`SecretDetector.match`, `PIIDetector.match`), so a result the gateway screens for all
    /// three is read once. Both start where the classifier marks one: a word's start, or a
    /// byte that is no letter or digit.
    package func mightMatch(_ text: UnsafeBufferPointer<UInt8>, raw: Bool = true, secrets: Bool = false, pii: Bool = false) -> Bool {
        if readsEverything { return true }
        let blocks = (text.count + 63) / 64
        return withUnsafeTemporaryAllocation(of: sb_scan_masks.self, capacity: max(blocks, 1)) { masks in
            withUnsafePointer(to: anywhere) { pairs in
                sb_scan_classify(text.baseAddress, text.count, raw ? 1 : 0, pairs, masks.baseAddress)
            }
            let masks = UnsafeBufferPointer(rebasing: masks[..<blocks])
            let specials = masks.reduce(0) { $0 + $1.special.nonzeroBitCount }
            // Where each sentence ends.
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: specials + 1) { ends in
                classes.withUnsafeBufferPointer { classes in
                    Self.folded.withUnsafeBufferPointer { fold in
                        var pass = Pass(text: text, masks: masks, classes: classes, fold: fold, ends: ends)
                        return pass.run(self, raw: raw, secrets: secrets, pii: pii)
                    }
                }
            }
        }
    }

    /// One pass's state, in a struct so that it stays in registers (closures would box it).
    private struct Pass {
        let text: UnsafeBufferPointer<UInt8>
        let masks: UnsafeBufferPointer<sb_scan_masks>
        let classes: UnsafeBufferPointer<UInt8>
        let fold: UnsafeBufferPointer<UInt8>
        let ends: UnsafeMutableBufferPointer<Int32>
        var sentences = 0

        init(text: UnsafeBufferPointer<UInt8>, masks: UnsafeBufferPointer<sb_scan_masks>, classes: UnsafeBufferPointer<UInt8>, fold: UnsafeBufferPointer<UInt8>,
             ends: UnsafeMutableBufferPointer<Int32>) {
            self.text = text
            self.masks = masks
            self.classes = classes
            self.fold = fold
            self.ends = ends
        }

        mutating func run(_ screen: InjectionScreen, raw: Bool, secrets: Bool, pii: Bool) -> Bool {
            if sentenceEnds(raw: raw) { return true }
            if readableRuns() { return true }
            let wanted = InjectionScreen.needleClass | InjectionScreen.singleClass | (pii ? InjectionScreen.piiClass : 0) | (secrets ? InjectionScreen.secretClass : 0)
            // The groups seen in each sentence (one more: the last, unended).
            return withUnsafeTemporaryAllocation(of: Groups.self, capacity: sentences + 1) { seen in
                seen.initialize(repeating: Groups())
                if wordStarts(screen, wanted: wanted, into: seen) { return true }
                if otherStarts(screen, wanted: wanted, into: seen) { return true }
                var field = Groups()
                for s in 0...sentences where !seen[s].isEmpty {
                    if screen.sentenceRules.contains(where: { seen[s].contains($0) }) { return true }
                    field.formUnion(seen[s])
                }
                return screen.fieldRules.contains { field.contains($0) }
            }
        }

        /// Where sentences end (into `ends`); true for what sends the text to the full read at
        /// once: bytes outside ASCII, ANSI escapes, `\u` and `\/` escapes.
        private mutating func sentenceEnds(raw: Bool) -> Bool {
            let count = text.count
            for k in 0..<masks.count {
                var bits = masks[k].special
                while bits != 0 {
                    let i = k << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let b = text[i]
                    if b >= 0x80 || b == 0x1B { return true }
                    let next: UInt8 = i + 1 < count ? text[i + 1] : 0
                    let ended: Bool
                    if raw, b == UInt8(ascii: "\\") {
                        // `\u` may spell anything, `\/` is a `/` the substrings would not see;
                        // two line breaks end a sentence.
                        if next == UInt8(ascii: "u") || next == UInt8(ascii: "/") { return true }
                        ended = next == UInt8(ascii: "n") && i + 3 < count && text[i + 2] == UInt8(ascii: "\\") && text[i + 3] == UInt8(ascii: "n")
                    } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                        ended = next == UInt8(ascii: " ") || next == 0x0A || (raw && next == UInt8(ascii: "\\") && i + 2 < count && text[i + 2] == UInt8(ascii: "n"))
                    } else {
                        ended = (b == 0x0A && next == 0x0A) || (raw && b == UInt8(ascii: "\""))
                    }
                    if ended {
                        ends[sentences] = Int32(truncatingIfNeeded: i)
                        sentences += 1
                    }
                }
            }
            return false
        }

        /// Runs of base64 (or hex) characters long enough to decode: does one start with
        /// readable text once decoded? Only runs of `EncodedRuns.minimumBase64` bytes or more
        /// are visited: the masks' ANDs with themselves shifted mark where one starts.
        private func readableRuns() -> Bool {
            for k in 0..<masks.count {
                var long = UInt128(masks[k].run) | UInt128(k + 1 < masks.count ? masks[k + 1].run : 0) << 64
                var width = 1
                while width < EncodedRuns.minimumBase64 {
                    let step = min(width, EncodedRuns.minimumBase64 - width)
                    long &= long >> UInt128(step)
                    width += step
                }
                var bits = starts(k, run: true) & UInt64(truncatingIfNeeded: long)
                while bits != 0 {
                    let i = k << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    if EncodedRuns.startsReadable(UnsafeBufferPointer(rebasing: text[i..<end(i, run: true)])) { return true }
                }
            }
            return false
        }

        /// Where words start: the word, whole and by its beginnings, and (at a letter or digit)
        /// secrets, personal data and substrings that start there.
        private func wordStarts(_ screen: InjectionScreen, wanted: UInt8, into seen: UnsafeMutableBufferPointer<Groups>) -> Bool {
            var sentence = 0
            for k in 0..<masks.count {
                var bits = starts(k, run: false)
                while bits != 0 {
                    let i = k << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let b = text[i]
                    // An apostrophe is `other` too: what starts at it is looked for there.
                    let c = b == UInt8(ascii: "'") ? 0 : classes[Int(b)] & wanted
                    // `PIIDetector.match` checks that a digit or capital starts a word.
                    if c & InjectionScreen.piiClass != 0, PIIDetector.match(at: i, in: text) != nil { return true }
                    let end = end(i, run: false)
                    let head = InjectionScreen.chunk(text, at: i, count: 8)
                    if screen.headsFilter {
                        let length = end - i
                        guard screen.heads.contains(InjectionScreen.headKey(head, length: length))
                            || (length > 3 && screen.shortHeads.contains(InjectionScreen.headKey(head, length: 3)))
                        else { continue }
                    }
                    var found = Groups()
                    var any = false
                    if c & ~InjectionScreen.piiClass != 0, start(i, c & ~InjectionScreen.piiClass, screen, into: &found, any: &any) { return true }
                    // Without the head test, numbers are still no words unless a rule's word
                    // starts with a digit (what starts at them was looked for just above).
                    if screen.headsFilter || screen.digitWords || !SecretDetector.isDigit(b), word(i, end, head: head, screen, into: &found) { any = true }
                    if any { add(found, at: i, cursor: &sentence, into: seen) }
                }
            }
            return false
        }

        /// Bytes that are no letter, digit or space, letters and digits that start a run
        /// after an apostrophe inside a word, and pairs that start a substring inside a word:
        /// secrets, personal data and substrings that start there. (`:` `-` start a URL's
        /// password or a key block, `@ + (` an address or a phone number.)
        private func otherStarts(_ screen: InjectionScreen, wanted: UInt8, into seen: UnsafeMutableBufferPointer<Groups>) -> Bool {
            var sentence = 0
            for k in 0..<masks.count {
                var bits = masks[k].other | masks[k].pairs | (masks[k].alnum_starts & ~starts(k, run: false))
                while bits != 0 {
                    let i = k << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let c = classes[Int(text[i])] & wanted
                    guard c != 0 else { continue }
                    var found = Groups()
                    var any = false
                    if start(i, c, screen, into: &found, any: &any) { return true }
                    if any { add(found, at: i, cursor: &sentence, into: seen) }
                }
            }
            return false
        }

        /// What starts at `i`, whose byte has the classes `c`: true for a secret or personal
        /// data (the text goes to the full read); substrings' groups into `found`.
        @inline(__always)
        private func start(_ i: Int, _ c: UInt8, _ screen: borrowing InjectionScreen, into found: inout Groups, any: inout Bool) -> Bool {
            let b = text[i]
            if c & InjectionScreen.secretClass != 0, i + 1 < text.count, screen.secretStarts.contains(InjectionScreen.key2(UInt64(b) | UInt64(text[i + 1]) << 8)),
                SecretDetector.match(at: i, in: text) != nil
            {
                return true
            }
            // `PIIDetector.match` checks that a digit or capital starts a word.
            if c & InjectionScreen.piiClass != 0, PIIDetector.match(at: i, in: text) != nil { return true }
            if c & InjectionScreen.singleClass != 0 {
                found.formUnion(screen.singles[Int(b)])
                any = true
            }
            if c & InjectionScreen.needleClass != 0, screen.needles.find(at: i, head: InjectionScreen.chunk(text, at: i, count: 3), in: text, fold: fold, into: &found) { any = true }
            return false
        }

        /// `found` at `i`: to the sentence `i` is in (the first whose end is at `i` or after;
        /// positions come in order, so `cursor` only moves on).
        @inline(__always)
        private func add(_ found: Groups, at i: Int, cursor: inout Int, into seen: UnsafeMutableBufferPointer<Groups>) {
            while cursor < sentences, Int(ends[cursor]) < i { cursor += 1 }
            seen[cursor].formUnion(found)
        }

        /// Where runs (words, with `run` false) start in block `k`.
        @inline(__always)
        private func starts(_ k: Int, run: Bool) -> UInt64 {
            let mask = run ? masks[k].run : masks[k].word
            let before = k == 0 ? 0 : (run ? masks[k - 1].run : masks[k - 1].word)
            return mask & ~(mask << 1 | before >> 63)
        }

        /// Where the run (word, with `run` false) from `i` ends.
        @inline(__always)
        private func end(_ i: Int, run: Bool) -> Int {
            // Bits shifted in from above are zero: a run to the block's end reads on.
            let rest = ~(run ? masks[i >> 6].run : masks[i >> 6].word) >> UInt64(i & 63)
            if rest != 0 { return i + rest.trailingZeroBitCount }
            var k = (i >> 6) + 1
            while k < masks.count {
                let gaps = ~(run ? masks[k].run : masks[k].word)
                if gaps != 0 { return min(k << 6 | gaps.trailingZeroBitCount, text.count) }
                k += 1
            }
            return text.count
        }

        /// The groups of the word from `start` to `end` (its first bytes in `head`), as a
        /// whole and by its beginnings, into `found`; false when it has none.
        @inline(__always)
        private func word(_ start: Int, _ end: Int, head: UInt64, _ screen: borrowing InjectionScreen, into found: inout Groups) -> Bool {
            let length = end - start
            var any = screen.words.find(InjectionScreen.hash(text, at: start, count: length, head: head), into: &found)
            // The prefixes as long as the word or shorter; those of three bytes or more only
            // when its first three start one of them.
            var lengths = screen.prefixLengths & (length >= 63 ? ~0 : (2 << UInt64(length)) &- 1)
            if lengths > 0b111, !screen.prefixHeads.contains(InjectionScreen.key3(head)) { lengths &= 0b111 }
            while lengths != 0 {
                let n = lengths.trailingZeroBitCount
                lengths &= lengths &- 1
                if screen.prefixes.find(InjectionScreen.hash(text, at: start, count: n, head: head), into: &found) { any = true }
            }
            return any
        }
    }
}
