/// The characters every model API accepts in a tool name: Anthropic's and OpenAI's
/// `^[a-zA-Z0-9_-]{1,64}$`, with Gemini's leading letter. MCP itself also allows `.`, which is
/// why names shown to clients are mapped into this set (`NameBook`).
public enum NameCharset {
    public static func allows(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    public static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
