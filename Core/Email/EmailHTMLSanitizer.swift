/// An allow-list sanitiser for showing mail HTML: only basic formatting elements and safe attributes survive.
/// script, style, iframe, object, embed, form and similar elements are dropped with their content; `on*` and `style`
/// attributes and `javascript:` (any non-allowed scheme) URLs are dropped; links get `rel="noopener noreferrer"` and
/// `target="_blank"`; images stay only as `cid:` (rewritten by the caller's closure) or `data:image/…`.
public enum EmailHTMLSanitizer {
    static let allowedElements: Set<String> = [
        "a", "abbr", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
        "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
    ]
    /// Dropped together with everything inside them.
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "applet", "form", "head", "title", "noscript", "template",
        "svg", "math", "frameset", "frame", "textarea", "select", "button", "xmp", "noembed", "noframes", "audio", "video",
        "canvas", "base", "meta", "link",
    ]
    static let voidElements: Set<String> = ["br", "hr", "img", "col", "base", "meta", "link", "input", "wbr", "area", "param", "source", "embed", "track", "keygen"]
    static let allowedAttributes: Set<String> = [
        "align", "valign", "width", "height", "colspan", "rowspan", "border", "cellpadding", "cellspacing", "dir", "lang",
        "title", "alt", "color", "bgcolor", "face", "size", "start", "type", "cite", "datetime", "summary", "abbr", "scope",
        "href", "src",
    ]
    /// The deepest element nesting that is reproduced; deeper tags are dropped (their text kept).
    static let maximumDepth = 200

    /// `html` reduced to the allow-list. `inlineImage` maps a `cid:` reference (the Content-ID, without `cid:`) to the
    /// URL to show, or nil to drop the image.
    public static func sanitize(_ html: String, inlineImage: (String) -> String?) -> String {
        var tokenizer = HTMLTokenizer(html)
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var open: [String] = []
        var droppedDepth = 0
        var droppedElement = ""
        while let token = tokenizer.next() {
            switch token {
            case .text(let text):
                if droppedDepth == 0 { output += HTMLText.escape(HTMLEntities.decode(text)) }
            case .start(let name, let attributes, let selfClosing, _):
                if droppedDepth > 0 {
                    if name == droppedElement && !selfClosing && !voidElements.contains(name) { droppedDepth += 1 }
                    continue
                }
                if droppedWithContent.contains(name) {
                    if !selfClosing && !voidElements.contains(name) {
                        droppedDepth = 1
                        droppedElement = name
                    }
                    continue
                }
                guard allowedElements.contains(name) else { continue }
                guard let rendered = renderStart(name, attributes, inlineImage: inlineImage) else { continue }
                if voidElements.contains(name) {
                    output += rendered
                } else if open.count < maximumDepth {
                    output += rendered
                    open.append(name)
                }
            case .end(let name, _):
                if droppedDepth > 0 {
                    if name == droppedElement { droppedDepth -= 1 }
                    continue
                }
                guard allowedElements.contains(name), !voidElements.contains(name),
                      let position = open.lastIndex(of: name) else { continue }
                while open.count > position {
                    output += "</" + (open.popLast() ?? name) + ">"
                }
            }
        }
        while let name = open.popLast() { output += "</\(name)>" }
        return output
    }

    /// The start tag with its allowed attributes, or nil when the element must go (an image without a usable source).
    static func renderStart(_ name: String, _ attributes: [(name: String, value: String)], inlineImage: (String) -> String?) -> String? {
        var tag = "<" + name
        var hasSource = false
        for (attribute, value) in attributes where allowedAttributes.contains(attribute) {
            var value = value
            if attribute == "href" {
                guard name == "a" || name == "area", let safe = safeLink(value) else { continue }
                value = safe
            } else if attribute == "src" {
                guard name == "img", let safe = safeImage(value, inlineImage: inlineImage) else { continue }
                value = safe
                hasSource = true
            } else if attribute == "cite" {
                guard safeLink(value) != nil else { continue }
            }
            tag += " \(attribute)=\"\(HTMLText.escape(value))\""
        }
        if name == "img" && !hasSource { return nil }
        if name == "a" { tag += " rel=\"noopener noreferrer\" target=\"_blank\"" }
        return tag + ">"
    }

    /// The scheme of a URL as a browser reads it: control characters and whitespace ignored, lower-cased.
    static func scheme(_ url: String) -> String? {
        var scheme = ""
        for scalar in url.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F { continue }
            if scalar == ":" { return scheme }
            if scalar == "/" || scalar == "?" || scalar == "#" { return nil }
            scheme.unicodeScalars.append(scalar)
            if scheme.count > 32 { return nil }
        }
        return nil
    }

    static func safeLink(_ url: String) -> String? {
        let trimmed = HeaderBlock.trimWhitespace(url)
        guard let scheme = scheme(trimmed)?.lowercased() else {
            return trimmed.isEmpty ? nil : trimmed  // relative or fragment
        }
        return ["http", "https", "mailto", "tel"].contains(scheme) ? trimmed : nil
    }

    static func safeImage(_ url: String, inlineImage: (String) -> String?) -> String? {
        let trimmed = HeaderBlock.trimWhitespace(url)
        guard let scheme = scheme(trimmed)?.lowercased() else { return nil }
        if scheme == "cid" {
            guard let colon = trimmed.firstIndex(of: ":") else { return nil }
            let contentID = MessageIDs.strip(String(trimmed[trimmed.index(after: colon)...]))
            guard let replacement = inlineImage(contentID) else { return nil }
            if let replacementScheme = Self.scheme(replacement)?.lowercased(),
               !["http", "https", "data", "blob"].contains(replacementScheme) {
                return nil
            }
            return replacement
        }
        if scheme == "data" {
            let lowered = trimmed.lowercased()
            let allowed = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/jpg", "data:image/webp"]
            return allowed.contains { lowered.hasPrefix($0 + ";") || lowered.hasPrefix($0 + ",") } ? trimmed : nil
        }
        return nil
    }
}

