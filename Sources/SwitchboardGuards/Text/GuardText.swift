/// A model-visible string read the way a model reads it rather than the way a person sees it:
/// the tricks that hide text from a reviewer are undone, each one noted, and what they hid is
/// read as text of its own.
///
/// `variants[0]` is the visible text with escapes, invisible and format characters removed and
/// NFKC applied (fullwidth and mathematical letters become ASCII). The others are layers a
/// person would not read: the ASCII that Unicode tag characters spell, text shown reversed by
/// a right-to-left override, bytes spelled by a run of variation selectors, long base64 or
/// hex runs decoded, and the Latin skeleton of words written with look-alike letters.
/// Rules match every variant; `findings` are the tricks themselves.
package struct GuardText: Sendable {
    package struct Variant: Sendable {
        /// nil for the visible text; else what the text was hidden by (shown in a finding's path).
        package var layer: String?
        package var text: String
    }

    package var variants: [Variant]
    /// The tricks found, as findings of the `unicode` family without a path.
    package var findings: [GuardFinding]

    /// Text longer than this is read up to it (a definition field that large is a finding of
    /// its own, `DefinitionScanner`).
    package static let maximumLength = 256 << 10

    package init(_ raw: String) {
        var reader = Reader()
        reader.read(raw)
        let visible = String(reader.visible).precomposedCompatibility
        if reader.sawMathematical { reader.note(.mathematicalLetters, visible) }
        var variants = [Variant(layer: nil, text: visible)]
        if !reader.tagPayload.isEmpty { variants.append(Variant(layer: "tag characters", text: reader.tagPayload)) }
        for run in reader.reversedRuns where !run.isEmpty {
            variants.append(Variant(layer: "reversed by a bidi override", text: String(String.UnicodeScalarView(run.reversed()))))
        }
        for bytes in reader.selectorPayloads {
            if let text = EncodedRuns.readable(bytes) { variants.append(Variant(layer: "variation selectors", text: text)) }
        }
        for decoded in EncodedRuns.decode(in: visible) {
            variants.append(Variant(layer: decoded.encoding, text: decoded.text))
        }
        let skeleton = Confusables.skeleton(of: visible)
        if skeleton.mixedWord != nil || skeleton.changed {
            if let word = skeleton.mixedWord { reader.note(.mixedScripts, word) }
            if skeleton.changed { variants.append(Variant(layer: "look-alike letters", text: skeleton.text)) }
        }
        self.variants = variants
        findings = reader.findings
    }

    /// The ways text is hidden, each a rule of the `unicode` family.
    enum Trick: String, CaseIterable {
        case tagCharacters = "U-tag-characters"
        case bidiControls = "U-bidi-controls"
        case ansiEscapes = "U-ansi-escapes"
        case invisibleSplit = "U-invisible-in-word"
        case selectorRun = "U-variation-selector-run"
        case formatCharacters = "U-format-characters"
        case controlCharacters = "U-control-characters"
        case padding = "U-padding"
        case mixedScripts = "U-mixed-scripts"
        case mathematicalLetters = "U-mathematical-letters"

        /// Tag characters, bidi controls, escapes, letters split by invisible characters and
        /// selector runs hide text outright: no honest description needs them. The rest are
        /// weak signals (a pasted soft format character, a word with a Greek letter).
        var severity: GuardSeverity {
            switch self {
            case .tagCharacters, .bidiControls, .ansiEscapes, .invisibleSplit, .selectorRun: .high
            case .formatCharacters, .controlCharacters, .padding, .mixedScripts, .mathematicalLetters: .warn
            }
        }
    }

    /// One pass over the scalars: what is visible, what was hidden and how.
    private struct Reader {
        var visible = String.UnicodeScalarView()
        var tagPayload = ""
        var reversedRuns: [[Unicode.Scalar]] = []
        var selectorPayloads: [[UInt8]] = []
        var findings: [GuardFinding] = []
        var sawMathematical = false
        private var noted = Set<Trick>()

        mutating func note(_ trick: Trick, _ context: String) {
            guard noted.insert(trick).inserted else { return }
            findings.append(GuardFinding(rule: trick.rawValue, family: .unicode, severity: trick.severity, path: "", excerpt: GuardExcerpt.make(context)))
        }

        mutating func read(_ raw: String) {
            let scalars = Array(raw.unicodeScalars.prefix(GuardText.maximumLength))
            var reversing: [Unicode.Scalar]?
            var selectors: [UInt8] = []
            var blank = (newlines: 0, spaces: 0)
            var i = 0
            func context() -> String { String(String.UnicodeScalarView(scalars[max(0, i - 24)..<min(scalars.count, i + 24)])) }
            while i < scalars.count {
                let scalar = scalars[i]
                let value = scalar.value
                // A run of variation selectors ends at anything else.
                if !Self.isSelector(value), !selectors.isEmpty {
                    if selectors.count >= 2 { note(.selectorRun, context()) }
                    if selectors.count >= 4 { selectorPayloads.append(selectors) }
                    selectors = []
                }
                switch value {
                case 0x1B:
                    note(.ansiEscapes, context())
                    i = Self.skipEscape(scalars, from: i)
                    continue
                case 0xE0000...0xE007F:
                    note(.tagCharacters, context())
                    if (0xE0020...0xE007E).contains(value) { tagPayload.unicodeScalars.append(Unicode.Scalar(UInt8(value - 0xE0000))) }
                case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                    note(.bidiControls, context())
                    if value == 0x202E {
                        reversing = reversing ?? []
                    } else if value == 0x202C || value == 0x2069, let run = reversing {
                        reversedRuns.append(run)
                        reversing = nil
                    }
                case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E:
                    // Between two Latin letters it splits a word a rule would read; elsewhere
                    // (emoji sequences, Persian and Indic text) it is ordinary.
                    if Self.isLatinLetter(visible.last), Self.isLatinLetter(Self.nextVisible(scalars, after: i)) { note(.invisibleSplit, context()) }
                case 0x00AD:
                    break
                case _ where Self.isSelector(value):
                    selectors.append(value <= 0xFE0F ? UInt8(value - 0xFE00) : UInt8(value - 0xE0100 + 16))
                case 0x0A, 0x0D:
                    // Padding is many blank lines, or a line of spaces wider than any screen;
                    // indentation restarts on each line.
                    blank.newlines += value == 0x0A ? 1 : 0
                    blank.spaces = 0
                    if blank.newlines >= 12 { note(.padding, context()) }
                    reversing.map { reversedRuns.append($0) }
                    reversing = nil
                    visible.append("\n")
                case 0x09, 0x20:
                    blank.spaces += 1
                    if blank.spaces >= 160 { note(.padding, context()) }
                    visible.append(scalar)
                    reversing?.append(scalar)
                default:
                    if value < 0x20 || (0x7F...0x9F).contains(value) {
                        // Dropped; a backspace can hide what precedes it on a terminal.
                        if value == 0x08 { note(.controlCharacters, context()) }
                    } else if scalar.properties.generalCategory == .format {
                        note(.formatCharacters, context())
                    } else {
                        if (0x1D400...0x1D7FF).contains(value) { sawMathematical = true }
                        blank = (0, 0)
                        visible.append(scalar)
                        reversing?.append(scalar)
                    }
                }
                i += 1
            }
            if selectors.count >= 2 { note(.selectorRun, context()) }
            if selectors.count >= 4 { selectorPayloads.append(selectors) }
            if let run = reversing { reversedRuns.append(run) }
        }

        static func isSelector(_ value: UInt32) -> Bool {
            (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value)
        }

        static func isLatinLetter(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            return (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
        }

        /// The next scalar after `i` that is not itself invisible.
        static func nextVisible(_ scalars: [Unicode.Scalar], after i: Int) -> Unicode.Scalar? {
            var j = i + 1
            while j < scalars.count, scalars[j].properties.generalCategory == .format { j += 1 }
            return j < scalars.count ? scalars[j] : nil
        }

        /// Past an escape sequence starting at `i` (ESC): CSI (`ESC [ … final`), OSC (`ESC ] … BEL`
        /// or `ESC \`), or a two-character escape.
        static func skipEscape(_ scalars: [Unicode.Scalar], from i: Int) -> Int {
            var j = i + 1
            guard j < scalars.count else { return j }
            switch scalars[j] {
            case "[":
                j += 1
                while j < scalars.count, !(0x40...0x7E).contains(scalars[j].value) { j += 1 }
                return j + 1
            case "]":
                j += 1
                while j < scalars.count {
                    if scalars[j].value == 0x07 { return j + 1 }
                    if scalars[j].value == 0x1B, j + 1 < scalars.count, scalars[j + 1] == "\\" { return j + 2 }
                    j += 1
                }
                return j
            default:
                return j + 1
            }
        }
    }
}
