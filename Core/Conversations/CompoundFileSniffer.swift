/// Tells legacy Office files (.doc, .xls, .ppt) apart by their structure. All three are Microsoft Compound File
/// Binary containers ([MS-CFB]): a small file system of sectors, a FAT chaining them, and a directory of storages and
/// streams. Word keeps its text in a root stream named `WordDocument`, Excel in `Workbook` (`Book` before Excel 97),
/// PowerPoint in `PowerPoint Document` ([MS-DOC] 2.1, [MS-XLS] 2.1.2, [MS-PPT] 2.1.1). Only the root storage's own
/// children count, so a Word file embedding a spreadsheet (in a sub-storage of `ObjectPool`) stays a Word file.
///
/// The parser reads the header, follows the FAT (through the header's DIFAT and any DIFAT sectors) along the
/// directory's sector chain, and walks the root's red-black tree of children. Every offset is bounds-checked and
/// every chain and tree walk is bounded, so a hostile file costs at most a pass over its own bytes.
enum CompoundFileSniffer {
    /// The container's signature, its first eight bytes.
    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    /// A container that is none of the three (an Outlook message, a Visio drawing) or cannot be read.
    static let genericType = "application/x-ole-storage"

    /// `nil` when `bytes` is no compound file; else the Office type its root streams name, or ``genericType``.
    static func contentType(of bytes: [UInt8]) -> String? {
        guard bytes.count >= 512, bytes.starts(with: signature) else { return nil }
        guard let names = rootChildNames(bytes) else { return genericType }
        if names.contains("WordDocument") { return "application/msword" }
        if names.contains("PowerPoint Document") { return "application/vnd.ms-powerpoint" }
        if names.contains("Workbook") || names.contains("Book") { return "application/vnd.ms-excel" }
        return genericType
    }

    /// Entries' special sector numbers: end of a chain, and an unused FAT slot.
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSector: UInt32 = 0xFFFF_FFFF
    /// "No sibling or child" in a directory entry.
    static let noStream: UInt32 = 0xFFFF_FFFF

    /// The names of the root storage's children, or `nil` when the structure is not readable.
    static func rootChildNames(_ bytes: [UInt8]) -> Set<String>? {
        let shift = Int(u16(bytes, 0x1E) ?? 0)
        guard shift == 9 || shift == 12 else { return nil }
        let sectorSize = 1 << shift
        guard let directoryStart = u32(bytes, 0x30), let fat = fatSectors(bytes, sectorSize: sectorSize) else { return nil }
        // The directory's sectors, in chain order.
        var entries: [UInt8] = []
        var sector = directoryStart
        var steps = 0
        let maximumSteps = bytes.count / sectorSize + 1
        while sector != endOfChain {
            steps += 1
            guard steps <= maximumSteps, let start = offset(of: sector, sectorSize: sectorSize), start + sectorSize <= bytes.count else {
                return nil
            }
            entries.append(contentsOf: bytes[start..<(start + sectorSize)])
            guard let next = next(sector, fat: fat, bytes: bytes, sectorSize: sectorSize) else { return nil }
            sector = next
        }
        // Entry 0 is the root; its child is the top of a tree of siblings.
        guard entries.count >= 128, entries[66] == 5, let top = u32(entries, 76) else { return nil }
        var names = Set<String>()
        var pending = [top]
        var visited = Set<UInt32>()
        while let id = pending.popLast() {
            guard id != noStream else { continue }
            guard visited.insert(id).inserted, Int(id) < entries.count / 128 else { return nil }
            let entry = Int(id) * 128
            let length = Int(u16(entries, entry + 64) ?? 0)
            guard length >= 2, length <= 64, length % 2 == 0 else { return nil }
            let units = (0..<(length / 2 - 1)).map { UInt16(entries[entry + $0 * 2]) | UInt16(entries[entry + $0 * 2 + 1]) << 8 }
            names.insert(String(decoding: units, as: UTF16.self))
            pending.append(u32(entries, entry + 68) ?? noStream)
            pending.append(u32(entries, entry + 72) ?? noStream)
        }
        return names
    }

    /// The FAT's own sectors: the header's 109 DIFAT slots, then the DIFAT sectors' (each ends with the next one).
    static func fatSectors(_ bytes: [UInt8], sectorSize: Int) -> [UInt32]? {
        guard let count = u32(bytes, 0x2C), var difat = u32(bytes, 0x44), let difatCount = u32(bytes, 0x48) else { return nil }
        var sectors: [UInt32] = []
        for slot in 0..<109 {
            guard let sector = u32(bytes, 0x4C + slot * 4) else { return nil }
            if sector == freeSector { break }
            sectors.append(sector)
        }
        var read: UInt32 = 0
        let perSector = sectorSize / 4 - 1
        while Int(count) > sectors.count, difat != endOfChain, difat != freeSector {
            read += 1
            guard read <= difatCount, let start = offset(of: difat, sectorSize: sectorSize), start + sectorSize <= bytes.count else { return nil }
            for slot in 0..<perSector {
                let sector = u32(bytes, start + slot * 4) ?? freeSector
                if sector != freeSector { sectors.append(sector) }
            }
            difat = u32(bytes, start + perSector * 4) ?? endOfChain
        }
        return sectors.isEmpty ? nil : sectors
    }

    /// The sector after `sector` in its chain, from the FAT.
    static func next(_ sector: UInt32, fat: [UInt32], bytes: [UInt8], sectorSize: Int) -> UInt32? {
        let perSector = sectorSize / 4
        let index = Int(sector) / perSector
        guard index < fat.count, let start = offset(of: fat[index], sectorSize: sectorSize) else { return nil }
        return u32(bytes, start + (Int(sector) % perSector) * 4)
    }

    /// Where sector `sector` starts (the header takes the first sector's worth of bytes), or `nil` for a special number.
    static func offset(of sector: UInt32, sectorSize: Int) -> Int? {
        sector >= 0xFFFF_FFFA ? nil : (Int(sector) + 1) * sectorSize
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }
}
