import Foundation

/// Walks a MIME entity tree depth-first with an explicit depth bound, sorting leaves into body text, attachments,
/// forwarded messages and delivery reports.
struct PartWalker {
    let bytes: [UInt8]
    var budget: MIMEParser.PartBudget

    /// The header value of `name` in `headers`, first occurrence.
    static func value(_ headers: [EmailHeader], _ name: String) -> String? {
        headers.first { HeaderBlock.sameName($0.name, name) }?.value
    }

    mutating func walk(headers: [EmailHeader], body: Range<Int>, depth: Int, defaultType: String, into collector: inout BodyCollector) {
        guard budget.remaining > 0 else {
            if !budget.warned {
                collector.warnings.append("more than \(MIMEParser.maximumParts) parts; the rest ignored")
                budget.warned = true
            }
            return
        }
        budget.remaining -= 1
        var contentType = MIMEParameters(Self.value(headers, "content-type") ?? defaultType)
        if !contentType.value.contains("/") || contentType.value.hasPrefix("/") || contentType.value.hasSuffix("/") {
            if Self.value(headers, "content-type") != nil {
                collector.warnings.append("invalid Content-Type \"\(contentType.value)\"; read as \(defaultType)")
            }
            contentType = MIMEParameters(defaultType)
        }
        let disposition = MIMEParameters(Self.value(headers, "content-disposition") ?? "")
        let encoding = HeaderBlock.trimWhitespace((Self.value(headers, "content-transfer-encoding") ?? "7bit").lowercased())
        let type = contentType.value

        if type.hasPrefix("multipart/") {
            if depth >= MIMEParser.maximumDepth {
                collector.warnings.append("multipart nesting deeper than \(MIMEParser.maximumDepth); kept as an attachment")
                addAttachment(headers: headers, type: type, contentType: contentType, disposition: disposition, data: Array(bytes[body]), into: &collector)
                return
            }
            guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
                collector.warnings.append("\(type) without a boundary parameter; read as text/plain")
                addLeaf(headers: headers, type: "text/plain", contentType: contentType, disposition: disposition, encoding: encoding, body: body, into: &collector)
                return
            }
            guard let split = MultipartSplitter.split(bytes, range: body, boundary: boundary, maximumParts: MIMEParser.maximumParts) else {
                collector.warnings.append("\(type) boundary \"\(boundary)\" not found in the body; read as text/plain")
                addLeaf(headers: headers, type: "text/plain", contentType: contentType, disposition: disposition, encoding: encoding, body: body, into: &collector)
                return
            }
            collector.warnings += split.warnings
            walkMultipart(subtype: String(type.dropFirst("multipart/".count)), parts: split.parts[...], boundary: boundary,
                          depth: depth, into: &collector)
            return
        }
        if type == "message/rfc822" || type == "message/global" {
            if depth >= MIMEParser.maximumDepth {
                collector.warnings.append("message nesting deeper than \(MIMEParser.maximumDepth); kept as an attachment")
                addAttachment(headers: headers, type: type, contentType: contentType, disposition: disposition, data: Array(bytes[body]), into: &collector)
                return
            }
            if encoding == "base64" || encoding == "quoted-printable" {
                let decoded = TransferDecoding.decode(bytes[body], encoding: encoding)
                collector.forwarded.append(MIMEParser.parseMessage(decoded, range: 0..<decoded.count, depth: depth + 1, budget: &budget))
            } else {
                collector.forwarded.append(MIMEParser.parseMessage(bytes, range: body, depth: depth + 1, budget: &budget))
            }
            return
        }
        addLeaf(headers: headers, type: type, contentType: contentType, disposition: disposition, encoding: encoding, body: body, into: &collector)
    }

    /// The children of a multipart, by subtype.
    mutating func walkMultipart(subtype: String, parts allParts: ArraySlice<Range<Int>>, boundary: String, depth: Int,
                                into collector: inout BodyCollector) {
        let childDefault = subtype == "digest" ? "message/rfc822" : "text/plain"
        // A child multipart that reuses this boundary (seen from some clients) owns the parts after it.
        if depth + 1 < MIMEParser.maximumDepth, let nested = allParts.firstIndex(where: { reusesBoundary($0, boundary) }) {
            walkMultipart(subtype: subtype, parts: allParts[..<nested], boundary: boundary, depth: depth, into: &collector)
            let child = HeaderBlock(bytes, range: allParts[nested])
            let type = MIMEParameters(Self.value(child.headers, "content-type") ?? "")
            var inner = BodyCollector()
            walkMultipart(subtype: String(type.value.dropFirst("multipart/".count)), parts: allParts[(nested + 1)...],
                          boundary: boundary, depth: depth + 1, into: &inner)
            collector.merge(inner, plain: collector.plain == nil, html: collector.html == nil)
            collector.warnings.append("a nested multipart reuses its parent's boundary \"\(boundary)\"")
            return
        }
        let parts = allParts
        switch subtype {
        case "alternative":
            // Each branch separately: the plain text from the first branch with one, the HTML from the last.
            var branches: [BodyCollector] = []
            for part in parts {
                var branch = BodyCollector()
                walkChild(part, depth: depth, defaultType: childDefault, into: &branch)
                branches.append(branch)
            }
            let plainIndex = branches.firstIndex { $0.plain != nil }
            let htmlIndex = branches.lastIndex { $0.html != nil }
            for (index, branch) in branches.enumerated() {
                collector.merge(branch, plain: index == plainIndex && collector.plain == nil,
                                html: index == htmlIndex && collector.html == nil)
            }
        case "signed":
            // The signed content shows as usual; the signature (and anything after it) is kept as an attachment.
            for (index, part) in parts.enumerated() {
                if index == 0 {
                    walkChild(part, depth: depth, defaultType: childDefault, into: &collector)
                } else {
                    let child = HeaderBlock(bytes, range: part)
                    let type = MIMEParameters(Self.value(child.headers, "content-type") ?? "application/octet-stream")
                    let encoding = (Self.value(child.headers, "content-transfer-encoding") ?? "7bit").lowercased()
                    let data = TransferDecoding.decode(bytes[child.bodyStart..<max(child.bodyStart, part.upperBound)], encoding: encoding)
                    addAttachment(headers: child.headers, type: type.value, contentType: type,
                                  disposition: MIMEParameters(Self.value(child.headers, "content-disposition") ?? "attachment"),
                                  data: data, into: &collector)
                }
            }
        case "report":
            for (index, part) in parts.enumerated() {
                let child = HeaderBlock(bytes, range: part)
                let type = MIMEParameters(Self.value(child.headers, "content-type") ?? "text/plain").value
                let childBody = child.bodyStart..<max(child.bodyStart, part.upperBound)
                if index > 0 && (type == "message/delivery-status" || type == "message/global-delivery-status") {
                    collector.deliveryReport = DeliveryStatusParser.parse(bytes, range: childBody, into: collector.deliveryReport)
                }
                if index > 0 && type == "text/rfc822-headers" {
                    let returned = HeaderBlock(bytes, range: childBody)
                    collector.deliveryReport = DeliveryStatusParser.withOriginal(collector.deliveryReport, headers: returned.headers)
                }
                let forwardedBefore = collector.forwarded.count
                walkChild(part, depth: depth, defaultType: childDefault, into: &collector)
                if index > 0 && type == "message/rfc822" && collector.forwarded.count > forwardedBefore {
                    collector.deliveryReport = DeliveryStatusParser.withOriginal(collector.deliveryReport, headers: collector.forwarded[forwardedBefore].headers)
                }
            }
        default:
            for part in parts { walkChild(part, depth: depth, defaultType: childDefault, into: &collector) }
        }
    }

    /// Whether the part is a multipart declaring `boundary` again (its own body then holds no delimiter).
    func reusesBoundary(_ part: Range<Int>, _ boundary: String) -> Bool {
        let child = HeaderBlock(bytes, range: part)
        let type = MIMEParameters(Self.value(child.headers, "content-type") ?? "")
        return type.value.hasPrefix("multipart/") && type.parameters["boundary"] == boundary
    }

    mutating func walkChild(_ part: Range<Int>, depth: Int, defaultType: String, into collector: inout BodyCollector) {
        let child = HeaderBlock(bytes, range: part)
        collector.warnings += child.warnings
        walk(headers: child.headers, body: child.bodyStart..<max(child.bodyStart, part.upperBound), depth: depth + 1,
             defaultType: defaultType, into: &collector)
    }

    /// A leaf: body text when it is inline text/plain or text/html, otherwise an attachment.
    func addLeaf(headers: [EmailHeader], type: String, contentType: MIMEParameters, disposition: MIMEParameters,
                 encoding: String, body: Range<Int>, into collector: inout BodyCollector) {
        if !["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", ""].contains(encoding) {
            collector.warnings.append("unknown Content-Transfer-Encoding \"\(encoding)\"; content kept as it is")
        }
        let data = TransferDecoding.decode(bytes[body], encoding: encoding)
        let isText = type == "text/plain" || type == "text/html"
        let hasName = disposition.parameters["filename"] != nil || contentType.parameters["name"] != nil
        let attachmentDisposition = disposition.value == "attachment"
        let isBodyText = isText && !attachmentDisposition
            && (!hasName || (type == "text/plain" ? collector.plain == nil : collector.html == nil))
        if isBodyText {
            let decoded = CharsetDecoder.decode(data, charset: contentType.parameters["charset"])
            if let warning = decoded.warning { collector.warnings.append(warning) }
            collector.addText(Self.normaliseLineEnds(decoded.text), isHTML: type == "text/html")
            return
        }
        addAttachment(headers: headers, type: type, contentType: contentType, disposition: disposition, data: data, into: &collector)
    }

    func addAttachment(headers: [EmailHeader], type: String, contentType: MIMEParameters, disposition: MIMEParameters,
                       data: [UInt8], into collector: inout BodyCollector) {
        var contentID = Self.value(headers, "content-id").map(MessageIDs.strip)
        if contentID?.isEmpty == true { contentID = nil }
        let filename = disposition.parameters["filename"] ?? contentType.parameters["name"]
        let isInline = disposition.value == "inline" || (disposition.value != "attachment" && contentID != nil)
        collector.attachments.append(EmailAttachment(filename: filename, contentType: type, contentID: contentID,
                                                     isInline: isInline, data: data))
    }

    /// CRLF and lone CR as LF.
    static func normaliseLineEnds(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
