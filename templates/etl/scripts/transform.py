#!/usr/bin/env python3
"""transform: normalise the extracted orders and leave out those that
cannot be used (an amount that is not a number)."""
import argparse
import csv
import sys
from decimal import Decimal, InvalidOperation


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    kept = dropped = 0
    with open(args.input, newline="") as src, open(args.output, "w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            try:
                amount = Decimal(row["amount"])
            except InvalidOperation:
                print(f"transform: order {row['order_id']}: amount {row['amount']!r} "
                      "is not a number, left out", file=sys.stderr)
                dropped += 1
                continue
            row["country"] = row["country"].strip().upper()
            row["amount"] = f"{amount:.2f}"
            writer.writerow(row)
            kept += 1
    print(f"transform: {kept} orders kept, {dropped} left out")


if __name__ == "__main__":
    main()
