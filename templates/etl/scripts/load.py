#!/usr/bin/env python3
"""load: revenue and number of orders per country, highest revenue first."""
import argparse
import csv
from collections import defaultdict
from decimal import Decimal


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--top", type=int, default=10, help="keep the N best countries")
    args = parser.parse_args()

    revenue = defaultdict(Decimal)
    orders = defaultdict(int)
    with open(args.input, newline="") as src:
        for row in csv.DictReader(src):
            revenue[row["country"]] += Decimal(row["amount"])
            orders[row["country"]] += 1

    ranked = sorted(revenue, key=lambda c: (-revenue[c], c))[: args.top]
    with open(args.output, "w", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(["country", "orders", "revenue"])
        for country in ranked:
            writer.writerow([country, orders[country], f"{revenue[country]:.2f}"])
    print(f"load: {len(ranked)} countries written to {args.output}")


if __name__ == "__main__":
    main()
