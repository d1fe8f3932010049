#!/usr/bin/env python3
"""gold: daily revenue per store, the table the business reads."""
import argparse
import csv
from collections import defaultdict
from decimal import Decimal


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    sales = defaultdict(int)
    units = defaultdict(int)
    revenue = defaultdict(Decimal)
    with open(args.input, newline="") as src:
        for row in csv.DictReader(src):
            key = (row["date"], row["store"])
            sales[key] += 1
            units[key] += int(row["quantity"])
            revenue[key] += Decimal(row["amount"])

    with open(args.output, "w", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(["date", "store", "sales", "units", "revenue"])
        for key in sorted(revenue):
            writer.writerow([*key, sales[key], units[key], f"{revenue[key]:.2f}"])
    print(f"gold: {len(revenue)} store-days written to {args.output}")


if __name__ == "__main__":
    main()
