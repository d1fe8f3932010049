#!/usr/bin/env python3
"""silver: the bronze rows cleaned and typed: one row per sale, store names
trimmed and lower-cased, rows without a positive quantity set aside with
the reason, and the amount of each sale computed."""
import argparse
import csv
from decimal import Decimal, InvalidOperation


def reason_to_reject(row, seen):
    if row["sale_id"] in seen:
        return "duplicate"
    if not row["quantity"].strip():
        return "missing quantity"
    try:
        quantity = int(row["quantity"])
        Decimal(row["unit_price"])
    except (ValueError, InvalidOperation):
        return "not a number"
    if quantity <= 0:
        return "quantity not positive"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--rejected", required=True)
    args = parser.parse_args()

    columns = ["sale_id", "date", "store", "product", "quantity", "unit_price", "amount"]
    seen = set()
    kept = 0
    with open(args.input, newline="") as src, \
            open(args.output, "w", newline="") as out, \
            open(args.rejected, "w", newline="") as rej:
        good = csv.writer(out, lineterminator="\n")
        bad = csv.writer(rej, lineterminator="\n")
        good.writerow(columns)
        bad.writerow(["sale_id", "source_line", "reason"])
        for row in csv.DictReader(src):
            reason = reason_to_reject(row, seen)
            if reason:
                bad.writerow([row["sale_id"], row["source_line"], reason])
                continue
            seen.add(row["sale_id"])
            quantity = int(row["quantity"])
            price = Decimal(row["unit_price"])
            good.writerow([row["sale_id"], row["timestamp"][:10],
                           row["store"].strip().lower(), row["product"].strip(),
                           quantity, f"{price:.2f}", f"{quantity * price:.2f}"])
            kept += 1
    print(f"silver: {kept} sales kept, the others set aside in {args.rejected}")


if __name__ == "__main__":
    main()
