"""What a loaded model takes and predicts: its kind, classes, feature names and column types, and
whether it accepts missing values. All read from the fitted model itself."""

from .problems import ImportProblem

MISSING_AWARE = ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "SimpleImputer", "KNNImputer", "IterativeImputer")


class Description:
    def __init__(self, kind, estimator, n_features, names=None, types=None, layout="tabular", classes=None, missing=None):
        self.kind = kind
        self.estimator = estimator
        self.n_features = n_features
        self.names = names
        self.types = types or ["float"] * n_features
        self.layout = layout
        self.classes = classes
        # Per feature: may it be missing (NaN)? Decides where generated rows leave gaps.
        self.missing = missing or [False] * n_features

    def as_json(self):
        return {
            "kind": self.kind,
            "estimator": self.estimator,
            "layout": self.layout,
            "features": [{"name": name, "type": kind, "missing": missing} for name, kind, missing in zip(self.feature_names(), self.types, self.missing)],
            "namedByModel": self.names is not None,
            "classes": [plain(value) for value in self.classes] if self.classes is not None else None,
        }

    def feature_names(self):
        return self.names if self.names is not None else [f"f{i}" for i in range(self.n_features)]


def plain(value):
    """numpy scalars to JSON values (class labels are ints or strings)."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (int, str)) else str(value)


def estimator_name(model):
    """A short readable name: Pipeline(StandardScaler → LogisticRegression)."""
    name = type(model).__name__
    steps = getattr(model, "steps", None)
    if steps is not None:
        return f"{name}({' → '.join(estimator_name(step) for _, step in steps if step not in ('drop', 'passthrough', None))})"
    transformers = getattr(model, "transformers", None)
    if transformers is not None and hasattr(model, "transformers_"):
        inner = [estimator_name(t) for _, t, _ in model.transformers_ if not isinstance(t, str)]
        return f"{name}[{', '.join(inner)}]"
    return name


def walk(model):
    """The model and every step inside it (pipelines, column transformers, ensembles' members are
    not walked: their classes say enough)."""
    yield model
    for _, step in getattr(model, "steps", []) or []:
        yield from walk(step)
    for _, transformer, _ in getattr(model, "transformers_", []) or []:
        if not isinstance(transformer, str):
            yield from walk(transformer)


def describe_sklearn(model):
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(model):
        kind = "classifier"
    elif is_regressor(model):
        kind = "regressor"
    else:
        raise ImportProblem("unsupported", estimator=estimator_name(model), detail="it is neither a classifier nor a regressor", way="import the estimator that predicts: a classifier, a regressor, or a Pipeline that ends in one")
    n_features = getattr(model, "n_features_in_", None)
    if n_features is None:
        # A custom first step may not record its width; the next step that does is the best guess
        # (the conversion of a step without a converter stops with its own message first).
        n_features = next((step.n_features_in_ for step in walk(model) if hasattr(step, "n_features_in_")), None)
    if n_features is None:
        raise ImportProblem("unsupported", estimator=estimator_name(model), detail="it does not say how many features it takes (n_features_in_): it may not be fitted", way="fit the model before saving it")
    names = [str(name) for name in model.feature_names_in_] if hasattr(model, "feature_names_in_") else None
    classes = list(model.classes_) if kind == "classifier" and hasattr(model, "classes_") else None
    column_transformer = leading_column_transformer(model)
    aware = any(type(step).__name__ in MISSING_AWARE for step in walk(model))
    if column_transformer is not None and names is not None:
        types, missing = column_facts(column_transformer, names)
        return Description(kind, estimator_name(model), n_features, names, types, "columns", classes, missing)
    return Description(kind, estimator_name(model), n_features, names, None, "tabular", classes, [aware] * n_features)


def leading_column_transformer(model):
    """The ColumnTransformer that first sees the raw columns (a Pipeline's first step), if any."""
    while True:
        if hasattr(model, "transformers_"):
            return model
        steps = getattr(model, "steps", None)
        if not steps:
            return None
        model = steps[0][1]


def column_facts(column_transformer, names):
    """Per column: string or float input, and whether a missing value is imputed."""
    types = {name: "float" for name in names}
    missing = {name: False for name in names}
    indices = getattr(column_transformer, "_transformer_to_input_indices", {})
    for name, transformer, _ in column_transformer.transformers_:
        columns = [names[i] for i in indices.get(name, [])]
        if isinstance(transformer, str):
            continue
        for column, is_string in zip(columns, string_columns(transformer, len(columns))):
            types[column] = "string" if is_string else "float"
        imputes = any(type(step).__name__ in MISSING_AWARE for step in walk(transformer))
        for column in columns:
            missing[column] = imputes
    return [types[name] for name in names], [missing[name] for name in names]


def string_columns(transformer, count):
    """Which of a transformer's input columns hold text: the first encoder or imputer that learnt
    categories or fill values says (object arrays hold strings)."""
    for step in walk(transformer):
        categories = getattr(step, "categories_", None)
        if categories is not None and len(categories) == count:
            return [getattr(values, "dtype", None) is not None and values.dtype.kind in "OUS" for values in categories]
        statistics = getattr(step, "statistics_", None)
        if statistics is not None and getattr(statistics, "dtype", None) is not None and len(statistics) == count:
            if statistics.dtype.kind in "OUS":
                return [isinstance(value, str) for value in statistics]
    return [False] * count


def describe_xgboost(model):
    import xgboost

    kind = "classifier" if isinstance(model, xgboost.XGBClassifier) else "regressor" if isinstance(model, xgboost.XGBRegressor) else None
    if kind is None:
        raise ImportProblem("unsupported", estimator=type(model).__name__, detail="Berth imports XGBoost classifiers and regressors", way="export an XGBClassifier or XGBRegressor")
    booster = model.get_booster()
    n_features = booster.num_features()
    names = list(booster.feature_names) if booster.feature_names else None
    classes = list(range(int(model.n_classes_))) if kind == "classifier" else None
    return Description(kind, type(model).__name__, n_features, names, None, "tabular", classes, [True] * n_features)


def describe_lightgbm(model):
    import lightgbm

    booster = model if isinstance(model, lightgbm.Booster) else model.booster_
    dump = booster.dump_model(num_iteration=0)
    objective = str(dump.get("objective", "")).split(" ")[0]
    n_features = booster.num_feature()
    names = [str(name) for name in booster.feature_name()]
    if all(name == f"Column_{i}" for i, name in enumerate(names)):
        names = None  # LightGBM's own placeholders: the model was fitted on an unnamed array
    name = type(model).__name__
    if objective in ("binary", "multiclass", "multiclassova"):
        classes = list(model.classes_) if hasattr(model, "classes_") else list(range(max(2, int(dump.get("num_class", 1)))))
        return Description("classifier", name, n_features, names, None, "tabular", classes, [True] * n_features)
    if objective.startswith(("regression", "huber", "fair", "poisson", "quantile", "mape", "gamma", "tweedie")):
        return Description("regressor", name, n_features, names, None, "tabular", None, [True] * n_features)
    raise ImportProblem("unsupported", estimator=f"LightGBM objective {objective or '(none)'}", detail="Berth imports classifiers and regressors", way="export a classifier (binary, multiclass) or a regressor")


def describe(loaded):
    if loaded.framework == "sklearn":
        return describe_sklearn(loaded.model)
    if loaded.framework == "xgboost":
        return describe_xgboost(loaded.model)
    if loaded.framework == "lightgbm":
        return describe_lightgbm(loaded.model)
    raise AssertionError(loaded.framework)
