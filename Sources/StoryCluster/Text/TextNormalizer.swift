import Foundation

/// Turns display text into matching tokens: NFKC, case folding, diacritics folded, punctuation split off,
/// numbers kept (with their decimal separator: `3,5` → `3.5`).
///
/// The hot path walks UTF-8 bytes directly; ASCII never leaves the fast path, and non-ASCII scalars are
/// folded through a table built once from Foundation (`Oekraïne` → `oekraine`, `ĳ` → `ij`, `ß` → `ss`).
public enum TextNormalizer {
    /// Calls `body` with the folded UTF-8 bytes of each token of `text`, in order.
    ///
    /// The buffer is reused between calls: copy it if it must outlive `body`. A token shorter than 8 bytes starts a
    /// buffer of at least 8 initialised bytes (the scanner's scratch), which `Hashing.token` relies on.
    /// - Complexity: O(bytes of `text`), no allocation per token.
    @inlinable
    public static func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachToken(in: Substring(text), body)
    }

    /// Calls `body` with the folded UTF-8 bytes of each token of a substring (see the `String` overload).
    @inlinable
    public static func forEachToken(in text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
                // Zeroed so that every byte a short token's 8-byte load can reach is initialised (`Hashing.token`).
                scratch.initialize(repeating: 0)
                var tokenizer = TokenScanner(scratch: scratch)
                tokenizer.scan(bytes, body)
            }
        }
    }

    /// The folded tokens of `text` as strings (convenient, allocating; not for hot loops).
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        forEachToken(in: text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }
}

/// Byte-level token scanner behind `TextNormalizer`; public only so the hot loop can be inlined across modules.
public struct TokenScanner {
    @usableFromInline var scratch: UnsafeMutableBufferPointer<UInt8>
    @usableFromInline var overflow: [UInt8] = []
    @usableFromInline var count = 0
    @usableFromInline var lastWasDigit = false

    /// Creates a scanner writing tokens into `scratch` (longer tokens spill to an array).
    @inlinable public init(scratch: UnsafeMutableBufferPointer<UInt8>) { self.scratch = scratch }

    @inlinable mutating func append(_ b: UInt8) {
        if count < scratch.count {
            scratch[count] = b
        } else {
            if count == scratch.count { overflow = Array(scratch) }
            overflow.append(b)
        }
        count += 1
    }

    @inlinable mutating func flush(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard count > 0 else { return }
        if count <= scratch.count {
            body(UnsafeBufferPointer(rebasing: scratch[0..<count]))
        } else {
            overflow.withUnsafeBufferPointer(body)
            overflow = []
        }
        count = 0
        lastWasDigit = false
    }

    /// Scans UTF-8 `bytes`, calling `body` once per token.
    @inlinable public mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var i = 0
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        while i < n {
            // Runs of ASCII letters, eight bytes at a time (most of a text): lowercased with one OR and stored as one
            // word; the letter test is SWAR on the low seven bits, so no carry crosses a byte.
            if i + 8 <= n && count + 8 <= scratch.count, let src = bytes.baseAddress, let dst = scratch.baseAddress {
                let w = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
                let lower = (w & (ones &* 0x7F)) | (ones &* 0x20)
                let atLeastA = (lower &+ ones &* 0x1F) & (ones &* 0x80)      // byte ≥ 0x61
                let pastZ = (lower &+ ones &* 0x05) & (ones &* 0x80)         // byte ≥ 0x7B
                let letters = atLeastA & ~pastZ & ~w & (ones &* 0x80)        // ASCII a–z after folding
                let run = (~letters & (ones &* 0x80)).trailingZeroBitCount / 8
                if run > 0 {
                    UnsafeMutableRawPointer(dst + count).storeBytes(of: lower, as: UInt64.self)
                    count += run
                    i += run
                    lastWasDigit = false
                    continue
                }
            }
            let b = bytes[i]
            if b < 0x80 {
                if b >= 0x61 && b <= 0x7A {  // a-z
                    append(b); lastWasDigit = false
                } else if b >= 0x41 && b <= 0x5A {  // A-Z
                    append(b | 0x20); lastWasDigit = false
                } else if b >= 0x30 && b <= 0x39 {  // 0-9
                    append(b); lastWasDigit = true
                } else if (b == 0x2E || b == 0x2C) && lastWasDigit && i + 1 < n && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 {
                    append(0x2E)  // decimal separator inside a number: 3,5 and 3.5 are one token
                    lastWasDigit = false
                } else {
                    flush(body)
                }
                i += 1
                continue
            }
            // Non-ASCII: decode one scalar and fold it through the table.
            var scalar: UInt32
            var len: Int
            if b & 0xE0 == 0xC0 { scalar = UInt32(b & 0x1F); len = 2 }
            else if b & 0xF0 == 0xE0 { scalar = UInt32(b & 0x0F); len = 3 }
            else if b & 0xF8 == 0xF0 { scalar = UInt32(b & 0x07); len = 4 }
            else { flush(body); i += 1; continue }
            if i + len > n { flush(body); break }
            for j in 1..<len { scalar = (scalar << 6) | UInt32(bytes[i + j] & 0x3F) }
            i += len
            switch ScalarFolding.fold(scalar) {
            case .separator: flush(body)
            case .mark: break
            case .text(let folded):
                for c in folded { append(c) }
                lastWasDigit = false
            }
        }
        flush(body)
    }
}

/// How one non-ASCII scalar contributes to a token.
public enum FoldedScalar: Sendable {
    /// Breaks tokens (punctuation, spaces, symbols).
    case separator
    /// Disappears inside a token (combining diacritics).
    case mark
    /// Contributes these folded UTF-8 bytes.
    case text([UInt8])
}

/// Folding table for non-ASCII scalars, built once from Foundation's NFKC and case/diacritic folding.
public enum ScalarFolding {
    /// The dense table covers Latin-1 through Latin Extended-B, Latin Extended Additional and general punctuation.
    static let denseRange: Range<UInt32> = 0x80..<0x2070
    static let dense: [FoldedScalar] = denseRange.map { computeFold($0) }
    static let cacheLock = NSLock()
    nonisolated(unsafe) static var cache: [UInt32: FoldedScalar] = [:]

    /// Folds one scalar (table lookup; rare scalars are computed once and cached).
    @usableFromInline static func fold(_ scalar: UInt32) -> FoldedScalar {
        if denseRange.contains(scalar) { return dense[Int(scalar - denseRange.lowerBound)] }
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let hit = cache[scalar] { return hit }
        let value = computeFold(scalar)
        cache[scalar] = value
        return value
    }

    static func computeFold(_ value: UInt32) -> FoldedScalar {
        guard let scalar = Unicode.Scalar(value) else { return .separator }
        let props = scalar.properties
        switch props.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        case .format: return .mark  // soft hyphen, zero-width joiners: invisible inside words
        default: break
        }
        let nfkc = String(scalar).precomposedStringWithCompatibilityMapping
        let folded = nfkc.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var bytes: [UInt8] = []
        for s in folded.unicodeScalars {
            let p = s.properties
            if p.isAlphabetic || p.numericType != nil {
                bytes.append(contentsOf: Array(String(s).utf8))
            } else if p.generalCategory == .nonspacingMark {
                continue
            }
        }
        return bytes.isEmpty ? .separator : .text(bytes)
    }
}
