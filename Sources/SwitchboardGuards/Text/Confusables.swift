/// Cyrillic and Greek letters that look like Latin ones (the part of Unicode TR39's
/// confusables that matters for English text), and the Latin skeleton of a text written with
/// them: `ignоre` with a Cyrillic `о` reads `ignore` to a model and `ign?re` to a keyword list.
enum Confusables {
    struct Skeleton {
        var text: String
        /// Some letter was replaced.
        var changed: Bool
        /// A word mixing Latin letters with look-alikes, when there is one.
        var mixedWord: String?
    }

    /// Maps look-alikes in words that mix them with Latin letters, and in every word when the
    /// text is mostly Latin (a Russian sentence is left as it is; a Cyrillic word in English
    /// text is not).
    static func skeleton(of text: String) -> Skeleton {
        var latin = 0
        var lookAlike = 0
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic { latin += 1 } else if latinFor[scalar.value] != nil { lookAlike += 1 }
        }
        guard lookAlike > 0 else { return Skeleton(text: text, changed: false, mixedWord: nil) }
        let mostlyLatin = latin > lookAlike * 3
        var out = String.UnicodeScalarView()
        var mixedWord: String?
        var changed = false
        var word: [Unicode.Scalar] = []
        func flush() {
            let hasLatin = word.contains { $0.isASCII && $0.properties.isAlphabetic }
            let hasLookAlike = word.contains { latinFor[$0.value] != nil }
            let mixed = hasLatin && hasLookAlike
            if mixed, mixedWord == nil { mixedWord = String(String.UnicodeScalarView(word)) }
            for scalar in word {
                if mixed || mostlyLatin, let latin = latinFor[scalar.value] {
                    out.append(latin)
                    changed = true
                } else {
                    out.append(scalar)
                }
            }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic {
                word.append(scalar)
            } else {
                flush()
                out.append(scalar)
            }
        }
        flush()
        return Skeleton(text: String(out), changed: changed, mixedWord: mixedWord)
    }

    /// Is `a` the same as `b` once both are skeletons, without being the same text?
    static func spoofs(_ a: String, _ b: String) -> Bool {
        guard a != b else { return false }
        return key(a) == key(b)
    }

    /// A name reduced for comparison: look-alikes mapped, lowercased, `0`/`1` read as `o`/`l`.
    static func key(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in name.precomposedCompatibility.unicodeScalars {
            if scalar.properties.generalCategory == .format { continue }
            let mapped = latinFor[scalar.value] ?? scalar
            switch mapped {
            case "0": out.append("o")
            case "1", "I": out.append("l")
            default: out.append(contentsOf: String(mapped).lowercased().unicodeScalars)
            }
        }
        return String(out)
    }

    /// Look-alike → Latin letter.
    static let latinFor: [UInt32: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            // Cyrillic lower case
            ("а", "a"), ("в", "b"), ("е", "e"), ("ё", "e"), ("һ", "h"), ("і", "i"), ("ї", "i"), ("ј", "j"), ("к", "k"), ("м", "m"),
            ("н", "h"), ("о", "o"), ("р", "p"), ("с", "c"), ("т", "t"), ("у", "y"), ("х", "x"), ("ѕ", "s"), ("ԁ", "d"), ("ԛ", "q"),
            ("ԝ", "w"), ("ӏ", "l"), ("ɡ", "g"), ("ь", "b"), ("п", "n"), ("г", "r"),
            // Cyrillic upper case
            ("А", "A"), ("В", "B"), ("Е", "E"), ("К", "K"), ("М", "M"), ("Н", "H"), ("О", "O"), ("Р", "P"), ("С", "C"), ("Т", "T"),
            ("Х", "X"), ("І", "I"), ("Ј", "J"), ("Ѕ", "S"), ("У", "Y"), ("Ԁ", "D"), ("Ԛ", "Q"), ("Ԝ", "W"), ("Ӏ", "I"),
            // Greek
            ("α", "a"), ("ο", "o"), ("ρ", "p"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("υ", "u"), ("χ", "x"), ("ϲ", "c"), ("ϳ", "j"),
            ("Α", "A"), ("Β", "B"), ("Ε", "E"), ("Ζ", "Z"), ("Η", "H"), ("Ι", "I"), ("Κ", "K"), ("Μ", "M"), ("Ν", "N"), ("Ο", "O"),
            ("Ρ", "P"), ("Τ", "T"), ("Υ", "Y"), ("Χ", "X"),
            // Latin look-alikes outside ASCII
            ("ı", "i"), ("ȷ", "j"), ("ℓ", "l"), ("ɑ", "a"), ("ɩ", "i"), ("ʏ", "y"), ("ᴄ", "c"), ("ᴏ", "o"), ("ᴠ", "v"), ("ᴡ", "w"), ("ᴢ", "z"),
        ]
        var table: [UInt32: Unicode.Scalar] = [:]
        for (from, to) in pairs { table[from.unicodeScalars.first!.value] = to.unicodeScalars.first! }
        return table
    }()
}
