// libFuzzer entry point for the MIME parser and the HTML sanitiser, compiled with Core/Email/*.swift by infra/fuzz.sh
// and Core/Conversations/HTMLText.swift (`swiftc -sanitize=fuzzer,address`). Any trap, crash or hang (libFuzzer's -timeout) is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func mimeFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let email = MIMEParser.parse(bytes)
    if let html = email.html {
        _ = EmailHTMLSanitizer.sanitize(html) { "https://example.invalid/inline/\($0)" }
    }
    // The raw bytes as HTML and as header values reach the other entry points directly.
    let text = String(decoding: bytes, as: UTF8.self)
    _ = EmailHTMLSanitizer.sanitize(text) { _ in nil }
    _ = MIMEParser.parseAddressList(text)
    _ = EncodedWord.encode(text)
    return 0
}
