#!/usr/bin/env python3
"""train: a nearest-centroid classifier: the mean of every feature per
class. The last column of the train set is the class."""
import argparse
import csv
import json
from collections import defaultdict


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()

    sums = defaultdict(lambda: None)
    counts = defaultdict(int)
    with open(args.train, newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        features, label = header[:-1], header[-1]
        for row in reader:
            values = [float(v) for v in row[:-1]]
            cls = row[-1]
            sums[cls] = values if sums[cls] is None else [a + b for a, b in zip(sums[cls], values)]
            counts[cls] += 1
    centroids = {cls: [round(s / counts[cls], 6) for s in sums[cls]] for cls in sorted(sums)}
    model = {"kind": "nearest-centroid", "features": features, "label": label,
             "centroids": centroids, "trained_on": sum(counts.values())}
    with open(args.model, "w") as dst:
        json.dump(model, dst, indent=2, sort_keys=True)
        dst.write("\n")
    print(f"train: {len(centroids)} classes from {model['trained_on']} rows")


if __name__ == "__main__":
    main()
