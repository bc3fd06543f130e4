import NIOCore

/// Splits an SMTP byte stream into lines (CRLF, or a bare LF, removed), for both our SMTP listener and our SMTP
/// client. A line longer than ``maximumLength`` is passed on in pieces so a peer cannot make us buffer without
/// bound. After a `STARTTLS` command line, bytes already buffered behind it are discarded (RFC 3207 §4.2: commands
/// pipelined in plain text before the TLS handshake must not be taken as if they came over TLS).
public struct SMTPLineDecoder: ByteToMessageDecoder {
    public typealias InboundOut = [UInt8]

    /// The longest piece passed on at once.
    public let maximumLength: Int
    /// Whether a `STARTTLS` line drops what follows it in the buffer (set on the listener side).
    public let dropAfterStartTLS: Bool

    /// Creates a decoder.
    public init(maximumLength: Int = 64 * 1024, dropAfterStartTLS: Bool = false) {
        self.maximumLength = maximumLength
        self.dropAfterStartTLS = dropAfterStartTLS
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            guard buffer.readableBytes >= maximumLength, let piece = buffer.readBytes(length: maximumLength) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(piece))
            return .continue
        }
        let length = newline - view.startIndex
        guard var line = buffer.readBytes(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if dropAfterStartTLS, line.count == 8, String(decoding: line, as: UTF8.self).uppercased() == "STARTTLS" {
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, let rest = buffer.readBytes(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(rest))
        }
        return .needMoreData
    }
}
