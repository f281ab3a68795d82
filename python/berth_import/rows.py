"""The parity rows: read from the user's sample CSV, or generated from the model's training
statistics. Rows are lists in feature order; a missing value is None (NaN to the model)."""

import csv

from .problems import ImportProblem
from .statistics import feature_specs

MISSING_TEXT = {"", "na", "nan", "null", "none", "n/a"}


def read_sample(path, description, wanted_names, max_rows):
    """Rows of the sample's feature columns (by name when the model or --features names them, else
    the first columns), and the one other column, if there is exactly one, as the target."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise ImportProblem("sample-unreadable", path=path, detail=error.strerror or str(error)) from error
    with handle:
        reader = csv.reader(handle)
        header = [cell.strip() for cell in next(reader, [])]
        if not header:
            raise ImportProblem("sample-empty", path=path)
        names = wanted_names or description.names
        if names is not None:
            absent = [name for name in names if name not in header]
            if absent:
                raise ImportProblem("sample-columns", path=path, missing=absent, header=header)
            indexes = [header.index(name) for name in names]
        else:
            if len(header) < description.n_features:
                raise ImportProblem("sample-width", path=path, columns=len(header), features=description.n_features)
            indexes = list(range(description.n_features))
            names = header[: description.n_features]
        others = [i for i in range(len(header)) if i not in indexes]
        target = others[0] if len(others) == 1 else None
        rows, targets, total = [], [], 0
        for line_number, line in enumerate(reader, start=2):
            if not line or all(not cell.strip() for cell in line):
                continue
            total += 1
            if len(rows) >= max_rows:
                continue
            if len(line) < len(header):
                raise ImportProblem("sample-row", path=path, line=line_number, detail=f"{len(line)} values for {len(header)} columns")
            rows.append([cell_value(line[i], kind, path, line_number, header[i]) for i, kind in zip(indexes, description.types)])
            if target is not None:
                targets.append(line[target])
    if not rows:
        raise ImportProblem("sample-empty", path=path)
    return {
        "rows": rows,
        "names": list(names),
        "total": total,
        "target": {"name": header[target], "values": targets} if target is not None else None,
        "ignored": [header[i] for i in others] if target is None else [],
    }


def cell_value(text, kind, path, line, column):
    if kind == "string":
        return text
    if text.strip().lower() in MISSING_TEXT:
        return None
    try:
        return float(text)
    except ValueError:
        raise ImportProblem("sample-row", path=path, line=line, detail=f"column `{column}` holds {text[:40]!r}, not a number") from None


def generate_rows(loaded, description, count, seed, missing_share):
    """`count` rows drawn from the model's training statistics (seeded: the same rows every run).
    Features the model accepts missing get a share of gaps, so that path is checked too."""
    import numpy as np

    random = np.random.RandomState(seed)
    specs, stored, what = feature_specs(loaded, description)
    if stored is not None:
        picked = stored[random.randint(0, stored.shape[0], size=count)].astype(float)
        spread = picked.std(axis=0) + 1e-12
        # Exact copies of stored rows tie on distance (kNN); a little noise breaks the ties.
        picked = picked + random.normal(0.0, 1.0, picked.shape) * spread * 0.01
        columns = [list(picked[:, j]) for j in range(picked.shape[1])]
    else:
        columns = [draw(spec, random, count) for spec in specs]
    for j, allowed in enumerate(description.missing):
        if allowed and description.types[j] != "string":
            for i in np.nonzero(random.random_sample(count) < missing_share)[0]:
                columns[j][i] = None
    rows = [[plain(column[i]) for column in columns] for i in range(count)]
    how = f"{count} rows generated from {what}" if what else f"{count} rows of standard normal values (the model keeps no training statistics)"
    return {"rows": rows, "generatedFrom": what, "how": how}


def draw(spec, random, count):
    if spec.kind == "normal":
        return list(random.normal(spec.a, abs(spec.b) or 1.0, count))
    if spec.kind == "uniform":
        return list(random.uniform(spec.a, spec.b, count))
    if spec.kind == "choice" and spec.values:
        return [spec.values[i] for i in random.randint(0, len(spec.values), size=count)]
    return list(random.normal(0.0, 1.0, count))


def plain(value):
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
