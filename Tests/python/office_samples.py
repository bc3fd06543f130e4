"""Legacy Office samples for the content sniffer's tests: writes files into a directory and prints one JSON line
per file, {"file": name, "type": expected content type}.

A real .xls comes from xlwt (an independent BIFF8 and compound-file writer). Word and PowerPoint have no writer on
PyPI, so the other containers are written here from [MS-CFB] (512- and 4096-byte sectors, a balanced tree of
directory entries, the directory after the data, a FAT reached through a DIFAT sector), and every one is read back
with olefile, an independent reader, before it is printed: a file olefile does not read as intended fails the run.

Usage: office_samples.py write DIRECTORY [--small]   (--small: without the 7.5 MB sample)
"""
import json
import os
import struct
import sys

import olefile
import xlwt

END, FREE, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF


class Node:
    def __init__(self, name, data=None, children=None):
        self.name, self.data, self.children = name, data, children or []


def write_cfb(path, children, shift=9):
    """Writes a compound file whose root holds `children` (Nodes: streams with data, storages with children)."""
    size = 1 << shift
    entries = []  # [node, kind, left, right, child, start, length]

    def add(node, kind):
        entries.append([node, kind, NOSTREAM, NOSTREAM, NOSTREAM, END, 0])
        return len(entries) - 1

    def tree(nodes):
        """Adds `nodes` as a balanced tree of siblings (ordered by length, then upper case, as [MS-CFB] sorts)."""
        if not nodes:
            return NOSTREAM
        nodes = sorted(nodes, key=lambda n: (len(n.name), n.name.upper()))
        middle = len(nodes) // 2
        node = nodes[middle]
        index = add(node, 2 if node.data is not None else 1)
        entries[index][2] = tree(nodes[:middle])
        entries[index][3] = tree(nodes[middle + 1:])
        if node.data is None:
            entries[index][4] = tree(node.children)
        return index

    root = add(Node("Root Entry"), 5)
    entries[root][4] = tree(children)
    # Streams of at least 4,096 bytes live in regular sectors (no mini stream needed).
    sectors, fat = [], []
    for entry in entries:
        if entry[1] != 2:
            continue
        data = entry[0].data + b"\0" * max(0, 4096 - len(entry[0].data))
        entry[5], entry[6] = len(sectors), len(data)
        count = (len(data) + size - 1) // size
        for i in range(count):
            sectors.append(data[i * size:(i + 1) * size].ljust(size, b"\0"))
            fat.append(len(sectors) if i < count - 1 else END)
    directory = b"".join(directory_entry(e) for e in entries)
    directory += directory_entry(None) * ((-len(entries)) % (size // 128))
    first_directory = len(sectors)
    count = len(directory) // size
    for i in range(count):
        sectors.append(directory[i * size:(i + 1) * size])
        fat.append(len(sectors) if i < count - 1 else END)
    per = size // 4
    fat_count, difat_count = 1, 0
    while True:
        total = len(sectors) + fat_count + difat_count
        need_fat = (total + per - 1) // per
        need_difat = max(0, (need_fat - 109 + per - 2) // (per - 1))
        if (need_fat, need_difat) == (fat_count, difat_count):
            break
        fat_count, difat_count = need_fat, need_difat
    fat_sectors = list(range(len(sectors), len(sectors) + fat_count))
    difat_sectors = list(range(len(sectors) + fat_count, len(sectors) + fat_count + difat_count))
    fat += [FATSECT] * fat_count + [DIFSECT] * difat_count
    fat += [FREE] * (fat_count * per - len(fat))
    table = struct.pack("<%dI" % len(fat), *fat)
    body = b"".join(sectors) + table
    rest = fat_sectors[109:]
    for i, sector in enumerate(difat_sectors):
        slots = rest[i * (per - 1):(i + 1) * (per - 1)]
        slots += [FREE] * (per - 1 - len(slots))
        following = difat_sectors[i + 1] if i + 1 < len(difat_sectors) else END
        body += struct.pack("<%dI" % per, *(slots + [following]))
    header = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", count if shift == 12 else 0, fat_count, first_directory, 0, 4096, END, 0,
                          difat_sectors[0] if difat_sectors else END, difat_count)
    header += struct.pack("<109I", *(fat_sectors[:109] + [FREE] * (109 - len(fat_sectors[:109]))))
    with open(path, "wb") as out:
        out.write(header.ljust(size, b"\0") + body)


def directory_entry(entry):
    if entry is None:
        return b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 36 + struct.pack("<IQ", 0, 0)
    node, kind, left, right, child, start, length = entry
    name = node.name.encode("utf-16-le")
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name) + 2, kind, 1, left, right, child) + b"\0" * 36
            + struct.pack("<IQ", start, length))


def check(path, streams):
    """olefile must read exactly `streams` (paths to their bytes) from the file."""
    with olefile.OleFileIO(path) as ole:
        found = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
        if found != set(streams):
            raise SystemExit(f"{path}: olefile found {sorted(found)}, expected {sorted(streams)}")
        for name, data in streams.items():
            if ole.openstream(name).read()[:len(data)] != data:
                raise SystemExit(f"{path}: olefile read other bytes for {name}")


def write(directory, small=False):
    samples = []

    def sample(name, expected, children, streams, shift=9):
        path = os.path.join(directory, name)
        write_cfb(path, children, shift)
        check(path, streams)
        samples.append((name, expected))

    word = b"\xEC\xA5\xC1\x00" + b"Hello from Word" * 50
    sample("letter.doc", "application/msword",
           [Node("WordDocument", word), Node("1Table", b"table" * 900), Node("\x05SummaryInformation", b"s" * 100),
            Node("\x05DocumentSummaryInformation", b"d" * 100), Node("CompObj", b"c" * 10)],
           {"WordDocument": word, "1Table": b"table" * 900, "\x05SummaryInformation": b"s" * 100,
            "\x05DocumentSummaryInformation": b"d" * 100, "CompObj": b"c" * 10})
    sample("letter-4k.doc", "application/msword", [Node("WordDocument", word), Node("0Table", b"t" * 9000)],
           {"WordDocument": word, "0Table": b"t" * 9000}, shift=12)
    slides = b"\x00\x00\xE8\x03" * 400
    sample("deck.ppt", "application/vnd.ms-powerpoint",
           [Node("PowerPoint Document", slides), Node("Current User", b"u" * 60), Node("Pictures", b"p" * 5000)],
           {"PowerPoint Document": slides, "Current User": b"u" * 60, "Pictures": b"p" * 5000})
    # A Word file with a spreadsheet embedded in a sub-storage is still a Word file.
    embedded = b"embedded sheet" * 300
    sample("with-sheet.doc", "application/msword",
           [Node("WordDocument", word), Node("1Table", b"x"), Node("ObjectPool", children=[Node("_1700000001", children=[Node("Workbook", embedded)])])],
           {"WordDocument": word, "1Table": b"x", "ObjectPool/_1700000001/Workbook": embedded})
    # A spreadsheet stream only below the root does not make the container a spreadsheet.
    sample("pool-only.bin", "application/x-ole-storage",
           [Node("ObjectPool", children=[Node("_1700000001", children=[Node("Workbook", embedded)])])],
           {"ObjectPool/_1700000001/Workbook": embedded})
    # An Outlook message: a compound file, but none of the three.
    sample("note.msg", "application/x-ole-storage",
           [Node("__substg1.0_0037001F", "Subject".encode("utf-16-le")), Node("__properties_version1.0", b"\0" * 32)],
           {"__substg1.0_0037001F": "Subject".encode("utf-16-le"), "__properties_version1.0": b"\0" * 32})
    if small:
        for name, expected in samples:
            print(json.dumps({"file": name, "type": expected}))
        return
    # Over 7 MB with 512-byte sectors: the FAT needs more than the header's 109 slots (a DIFAT sector), and the
    # directory, written after the data, is only found through it.
    big = os.urandom(7_500_000)
    children = [Node("Workbook", big)] + [Node(f"_stream{i:02d}", b"z" * 10) for i in range(20)]
    streams = {"Workbook": big}
    streams.update({f"_stream{i:02d}": b"z" * 10 for i in range(20)})
    sample("large.xls", "application/vnd.ms-excel", children, streams)
    # A real spreadsheet from xlwt.
    book = xlwt.Workbook()
    sheet = book.add_sheet("Orders")
    for row in range(50):
        sheet.write(row, 0, f"order {row}")
        sheet.write(row, 1, row * 3.5)
    path = os.path.join(directory, "orders.xls")
    book.save(path)
    with olefile.OleFileIO(path) as ole:
        if not ole.exists("Workbook"):
            raise SystemExit("xlwt wrote no Workbook stream")
    samples.append(("orders.xls", "application/vnd.ms-excel"))
    for name, expected in samples:
        print(json.dumps({"file": name, "type": expected}))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] != "write" or sys.argv[3:] not in ([], ["--small"]):
        raise SystemExit(__doc__)
    write(sys.argv[2], small=sys.argv[3:] == ["--small"])
