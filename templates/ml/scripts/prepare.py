#!/usr/bin/env python3
"""prepare: drop incomplete measurements and split the rest into a train
set and a test set (every Nth row goes to the test set, so the split is
the same on every run)."""
import argparse
import csv


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--test-every", type=int, default=4)
    args = parser.parse_args()

    with open(args.input, newline="") as src:
        reader = csv.DictReader(src)
        columns = reader.fieldnames
        rows = [r for r in reader if all(r[c].strip() for c in columns)]
    test = rows[args.test_every - 1::args.test_every]
    train = [r for i, r in enumerate(rows) if (i + 1) % args.test_every]
    for path, part in ((args.train, train), (args.test, test)):
        with open(path, "w", newline="") as dst:
            writer = csv.DictWriter(dst, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(part)
    print(f"prepare: {len(train)} rows to train on, {len(test)} to test with")


if __name__ == "__main__":
    main()
