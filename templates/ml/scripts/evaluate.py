#!/usr/bin/env python3
"""evaluate: classify the test set with the model and write the accuracy
and the confusion matrix."""
import argparse
import csv
import json
import math


def predict(model, values):
    return min(model["centroids"],
               key=lambda cls: (math.dist(model["centroids"][cls], values), cls))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()

    with open(args.model) as src:
        model = json.load(src)
    classes = sorted(model["centroids"])
    confusion = {actual: {guess: 0 for guess in classes} for actual in classes}
    total = correct = 0
    with open(args.test, newline="") as src:
        reader = csv.reader(src)
        next(reader)
        for row in reader:
            guess = predict(model, [float(v) for v in row[:-1]])
            confusion[row[-1]][guess] += 1
            correct += guess == row[-1]
            total += 1
    metrics = {"accuracy": round(correct / total, 4) if total else None,
               "correct": correct, "total": total, "confusion": confusion}
    with open(args.metrics, "w") as dst:
        json.dump(metrics, dst, indent=2, sort_keys=True)
        dst.write("\n")
    print(f"evaluate: accuracy {metrics['accuracy']} ({correct} of {total})")


if __name__ == "__main__":
    main()
