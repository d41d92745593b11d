public import NIOCore

/// Splits a byte stream into `\n`-terminated frames (stdio transport, spec digest §1.1). A
/// trailing `\r` is dropped so CRLF peers work; blank lines are skipped. A frame longer than
/// `maxFrameBytes` is an error rather than unbounded buffering.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let maxFrameBytes: Int
    /// Where the newline search resumes, so a long partial line is not rescanned per read.
    private var scanned = 0

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        if frame.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(frame)) }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline is still a complete message at EOF.
        if seenEOF, buffer.readableBytes > 0, let last = buffer.readSlice(length: buffer.readableBytes) {
            let trimmed = Self.trimmed(last)
            if trimmed.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(trimmed)) }
        }
        return .needMoreData
    }

    /// Takes the next complete frame off `buffer`, if one is there.
    public mutating func nextFrame(_ buffer: inout ByteBuffer) throws(LineFrameError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: min(scanned, view.count))
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > maxFrameBytes { throw .frameTooLarge(maxFrameBytes) }
            return nil
        }
        scanned = 0
        let length = newline - view.startIndex
        if length > maxFrameBytes { throw .frameTooLarge(maxFrameBytes) }
        let frame = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        return Self.trimmed(frame)
    }

    private static func trimmed(_ frame: ByteBuffer) -> ByteBuffer {
        var frame = frame
        if frame.readableBytesView.last == UInt8(ascii: "\r") { frame.moveWriterIndex(to: frame.writerIndex - 1) }
        return frame
    }
}

public enum LineFrameError: Error, Sendable, Equatable {
    case frameTooLarge(Int)
}
