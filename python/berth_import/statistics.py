"""Where a fitted model keeps what its training data looked like, per input feature: a scaler's
mean and scale, an encoder's categories, a tree ensemble's split thresholds, a kNN model's or an
SVM's stored rows. Rows generated from these exercise the model where it was trained."""

import json

from .describe import leading_column_transformer, walk


class Spec:
    """How to draw one feature: normal(mean, scale), uniform(low, high), a category, or unknown."""

    def __init__(self, kind, a=None, b=None, values=None):
        self.kind = kind
        self.a = a
        self.b = b
        self.values = values


def feature_specs(loaded, description):
    """(specs per feature, stored rows or None, a phrase saying where they came from)."""
    if loaded.framework == "xgboost":
        return xgboost_specs(loaded.model, description.n_features), None, "XGBoost split thresholds"
    if loaded.framework == "lightgbm":
        return lightgbm_specs(loaded.model, description.n_features), None, "LightGBM feature ranges"
    model = loaded.model
    column_transformer = leading_column_transformer(model)
    if column_transformer is not None and description.layout == "columns":
        return column_specs(column_transformer, description), None, "the column transformer's scalers and encoders"
    head = first_step(model)
    for source in (head, model):
        specs, what = step_specs(source, description.n_features)
        if specs is not None:
            return specs, None, what
    rows, what = stored_rows(final_step(model), description.n_features)
    if rows is not None and head is final_step(model):
        return None, rows, what
    return [Spec("normal", 0.0, 1.0)] * description.n_features, None, None


def first_step(model):
    steps = getattr(model, "steps", None)
    return first_step(steps[0][1]) if steps else model


def final_step(model):
    steps = getattr(model, "steps", None)
    return final_step(steps[-1][1]) if steps else model


def step_specs(step, n_features):
    """Statistics of one step that sees the raw features."""
    name = type(step).__name__
    if hasattr(step, "mean_") and hasattr(step, "scale_") and getattr(step, "n_features_in_", None) == n_features and step.mean_ is not None:
        return [Spec("normal", float(m), float(s or 1.0)) for m, s in zip(step.mean_, step.scale_)], f"{name} means and scales"
    if hasattr(step, "data_min_") and hasattr(step, "data_max_"):
        return [Spec("uniform", float(lo), float(hi)) for lo, hi in zip(step.data_min_, step.data_max_)], f"{name} ranges"
    if hasattr(step, "center_") and hasattr(step, "scale_") and step.center_ is not None:
        return [Spec("normal", float(c), float(s or 1.0)) for c, s in zip(step.center_, step.scale_)], f"{name} centres and scales"
    if hasattr(step, "_bin_mapper"):
        thresholds = step._bin_mapper.bin_thresholds_
        return [span(list(t)) for t in thresholds], f"{name} bin thresholds"
    thresholds = tree_thresholds(step, n_features)
    if thresholds is not None:
        return [span(t) for t in thresholds], f"{name} split thresholds"
    return None, None


def span(thresholds):
    """Uniform over the thresholds' range and a tenth beyond each side."""
    values = [float(t) for t in thresholds]
    if not values:
        return Spec("uniform", 0.0, 1.0)
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or max(abs(lo) * 0.1, 1.0)
    return Spec("uniform", lo - pad, hi + pad)


def tree_thresholds(step, n_features):
    """Split thresholds per feature of a tree or a forest of trees (sklearn's tree_ arrays)."""
    trees = []
    if hasattr(step, "tree_"):
        trees = [step.tree_]
    elif hasattr(step, "estimators_"):
        members = step.estimators_
        flat = list(members.ravel()) if hasattr(members, "ravel") else list(members)
        trees = [member.tree_ for member in flat if hasattr(member, "tree_")]
    if not trees:
        return None
    per_feature = [[] for _ in range(n_features)]
    for tree in trees:
        for feature, threshold in zip(tree.feature, tree.threshold):
            if 0 <= feature < n_features:
                per_feature[feature].append(threshold)
    return per_feature


def stored_rows(step, n_features):
    """Training rows a model keeps: kNN's fitted data, an SVM's support vectors."""
    for attribute, what in (("_fit_X", "the training rows the kNN model stores"), ("support_vectors_", "the SVM's support vectors")):
        rows = getattr(step, attribute, None)
        if rows is not None and getattr(rows, "ndim", 0) == 2 and rows.shape[1] == n_features and rows.shape[0] > 0:
            return rows, what
    return None, None


def column_specs(column_transformer, description):
    names = description.feature_names()
    specs = {name: Spec("normal", 0.0, 1.0) for name in names}
    indices = getattr(column_transformer, "_transformer_to_input_indices", {})
    for name, transformer, _ in column_transformer.transformers_:
        columns = [names[i] for i in indices.get(name, [])]
        if isinstance(transformer, str) or not columns:
            continue
        for step in walk(transformer):
            categories = getattr(step, "categories_", None)
            if categories is not None and len(categories) == len(columns):
                for column, values in zip(columns, categories):
                    specs[column] = Spec("choice", values=[v.item() if hasattr(v, "item") else v for v in values if v == v and v is not None])
                break
            found, _ = step_specs(step, len(columns)) if getattr(step, "n_features_in_", None) == len(columns) else (None, None)
            if found is not None:
                for column, spec in zip(columns, found):
                    specs[column] = spec
                break
    return [specs[name] for name in names]


def xgboost_specs(model, n_features):
    booster = model.get_booster()
    names = booster.feature_names
    index = {name: i for i, name in enumerate(names)} if names else None
    per_feature = [[] for _ in range(n_features)]

    def visit(node):
        if "split" in node:
            split = node["split"]
            feature = index.get(split) if index else int(str(split).lstrip("f"))
            if feature is not None and 0 <= feature < n_features:
                per_feature[feature].append(float(node["split_condition"]))
            for child in node.get("children", []):
                visit(child)

    for tree in booster.get_dump(dump_format="json"):
        visit(json.loads(tree))
    return [span(t) for t in per_feature]


def lightgbm_specs(model, n_features):
    import lightgbm

    booster = model if isinstance(model, lightgbm.Booster) else model.booster_
    infos = booster.dump_model(num_iteration=0).get("feature_infos", {})
    specs = []
    for name in booster.feature_name()[:n_features]:
        info = infos.get(name, {})
        if "min_value" in info and "max_value" in info:
            specs.append(Spec("uniform", float(info["min_value"]), float(info["max_value"])))
        else:
            specs.append(Spec("uniform", 0.0, 1.0))
    return specs
