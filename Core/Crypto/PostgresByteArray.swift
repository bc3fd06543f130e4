import NIOCore
import PostgresNIO

/// A `bytea` value as a byte array, for binding and decoding.
public struct PostgresByteArray: Sendable, PostgresNonThrowingEncodable, PostgresDecodable, Equatable {
    /// The bytes.
    public var bytes: [UInt8]

    /// Wraps bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static var psqlType: PostgresDataType { .bytea }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeBytes(bytes)
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .bytea, format == .binary else { throw PostgresDecodingError.Code.typeMismatch }
        bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
