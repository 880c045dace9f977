"""Benchmark: python-calamine vs openpyxl (read_only, values_only) on ledger-sized sheets, guard included."""
import datetime as dt, importlib.metadata, io, platform, random, re, statistics, sys, time, zipfile
from pathlib import Path
import openpyxl, python_calamine
from dangjian_cli.ledger.xlsx_source import guard_xlsx, read_first_sheet

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench")
RUNS = 60

def members(n_rows: int, path: Path, shared: bool) -> Path:
    rnd = random.Random(n_rows)
    wb = openpyxl.Workbook(); ws = wb.active; ws.title = "党员名册"
    ws.append(["姓名", "类别", "性别", "出生日期", "学历", "身份证号", "手机", "入党日期", "转正日期", "党小组"])
    fmts = ['yyyy"年"m"月"d"日"', "yyyy/m/d", "yyyy-mm-dd"]
    for i in range(n_rows):
        born = dt.date(1960 + rnd.randrange(40), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        joined = dt.date(1990 + rnd.randrange(34), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        ws.append([rnd.choice("陈李黄张王刘") + rnd.choice("志建丽明华") + rnd.choice("明华东平强"),
                   rnd.choice(["正式党员", "预备党员", "入党积极分子"]), rnd.choice("男女"), born,
                   rnd.choice(["本科", "硕士研究生", "大专"]), f"441900{born:%Y%m%d}{rnd.randrange(10000):04d}",
                   f"13{rnd.randrange(10**9):09d}", joined, joined.replace(year=joined.year + 1),
                   rnd.choice(["第一党小组", "第二党小组"])])
        for col in (4, 8, 9):
            ws.cell(row=i + 2, column=col).number_format = fmts[i % 3]
    buf = io.BytesIO(); wb.save(buf)
    if not shared:
        path.write_bytes(buf.getvalue()); return path
    # rewrite inline strings as a shared-string table, the way Excel and WPS store text
    strings, index = [], {}
    def to_shared(m):
        text = m.group(2)
        if text not in index:
            index[text] = len(strings); strings.append(text)
        return m.group(1) + f' t="s"><v>{index[text]}</v></c>'.encode()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>', to_shared, data)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            zout.writestr(info, data)
        sst = "".join(f"<si><t>{s.decode()}</t></si>" for s in strings)
        zout.writestr("xl/sharedStrings.xml", f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>')
    return path

def median_ms(fn):
    for _ in range(5):
        fn()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000

def calamine_raw(path):
    data = path.read_bytes()
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        return wb.get_sheet_by_index(0).to_python()

def openpyxl_read(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()

def guard_then_openpyxl(path):
    guard_xlsx(path.read_bytes(), path.name)
    return openpyxl_read(path)

def interleaved(fns: dict) -> dict:
    """Run the contenders round-robin so machine noise hits them alike; (median, min) in ms each."""
    for fn in fns.values():
        for _ in range(5):
            fn()
    times = {k: [] for k in fns}
    for _ in range(RUNS):
        for k, fn in fns.items():
            t0 = time.perf_counter(); fn(); times[k].append((time.perf_counter() - t0) * 1000)
    return {k: (statistics.median(v), min(v)) for k, v in times.items()}

print(f"Python {platform.python_version()}, python-calamine {importlib.metadata.version('python-calamine')}, "
      f"openpyxl {openpyxl.__version__}, {platform.machine()}, {RUNS} interleaved runs: median (min) ms")
print("| 行数 rows | 字符串 strings | 大小 size | guard | calamine | dj 读取 read | openpyxl | guard+openpyxl |")
print("|---|---|---|---|---|---|---|---|")
for n in (20, 200, 2000):
    for shared in (True, False):
        path = members(n, OUT / f"members_{n}_{'sst' if shared else 'inline'}.xlsx", shared)
        assert read_first_sheet(path, path.name).rows[1][1][3] == openpyxl_read(path)[1][3].date()
        size = path.stat().st_size
        r = interleaved({
            "guard": lambda: guard_xlsx(path.read_bytes(), path.name),
            "calamine": lambda: calamine_raw(path),
            "dj": lambda: read_first_sheet(path, path.name),
            "openpyxl": lambda: openpyxl_read(path),
            "guard+openpyxl": lambda: guard_then_openpyxl(path),
        })
        cells = " | ".join(f"{m:.2f} ({lo:.2f})" for m, lo in r.values())
        print(f"| {n}×10 | {'共享 shared' if shared else '内联 inline'} | {size // 1024} KB | {cells} |")
