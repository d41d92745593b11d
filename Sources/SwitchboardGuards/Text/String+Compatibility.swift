import Foundation

extension String {
    /// NFKC: fullwidth, mathematical and other compatibility forms as their plain letters.
    var precomposedCompatibility: String { precomposedStringWithCompatibilityMapping }
}
