"""Python peers of `pnpm bench:train` (run in bench/.data/venv under GNU time).

Search commands choose one hyperparameter on DIR/fit.* -> DIR/validation.* (accuracy), then refit
on the whole 80% (DIR/train.*) and save the model; each prints one JSON line with the chosen value,
the validation accuracy of every candidate, and wall and CPU seconds of the search and of the final
fit (CPU: time.process_time() of this process around training only, all threads; imports, reading
files and predicting are outside both). The vectorizer is part of each fit: it is fitted on the
rows the model is fitted on.

  peers.py sgd DIR          TF-IDF (1-2 grams, sublinear tf) + SGDClassifier(log_loss), alpha in {1e-4..1e-7}
  peers.py logreg DIR       TF-IDF (1-2 grams, sublinear tf) + LogisticRegression, C in {1, 10, 100}
                            (lbfgs at scikit-learn's defaults, max_iter 100: it may warn that it has not
                            converged at C = 100; max_iter 1000 took 400 s on Austen for no better accuracy)
  peers.py vw DIR           Vowpal Wabbit, 5 passes, --learning_rate in {0.25, 0.5, 1, 2}
  peers.py vectorize DIR    TF-IDF on fit -> fit.svm, validation.svm; on train -> train.svm, test.svm (LIBLINEAR)
  peers.py predict-sklearn MODEL TEXTS OUT   a fresh process: load, predict every line, write labels
  peers.py predict-vw MODEL VWFILE OUT       the same for Vowpal Wabbit
"""
import json
import os
import sys
import time

SEED = 42
SGD_ALPHAS = [1e-4, 1e-5, 1e-6, 1e-7]
LOGREG_CS = [1, 10, 100]
LOGREG_SOLVER = os.environ.get("BENCH_LOGREG_SOLVER", "sag")
VW_RATES = [0.25, 0.5, 1, 2]
VW_PASSES = 5


def read_jsonl(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["label"])
    return texts, labels


def accuracy(truth, predicted):
    return sum(1 for t, p in zip(truth, predicted) if t == p) / len(truth)


class Clock:
    """Wall and CPU seconds spent inside `with clock:` blocks."""

    def __init__(self):
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self):
        self._w, self._c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c


def blas_kernel():
    from threadpoolctl import threadpool_info

    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ",".join(sorted({f"{i.get('architecture')}x{i.get('num_threads')}" for i in infos}))


def sklearn_search(data, make_model, grid, name, parallel=False):
    """Chooses on validation over `grid`; with `parallel`, the grid's fits run at once, one per core
    (joblib threads: the solver releases the GIL, so process_time() still counts every thread)."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    fit_x, fit_y = read_jsonl(os.path.join(data, "fit.jsonl"))
    val_x, val_y = read_jsonl(os.path.join(data, "validation.jsonl"))
    train_x, train_y = read_jsonl(os.path.join(data, "train.jsonl"))
    tfidf = lambda: TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)  # noqa: E731
    search, final = Clock(), Clock()
    scores = {}
    with search:
        vec = tfidf()
        x = vec.fit_transform(fit_x)
        v = vec.transform(val_x)
        fit_one = lambda value: accuracy(val_y, make_model(value).fit(x, fit_y).predict(v))  # noqa: E731
        jobs = min(len(grid), os.cpu_count() or 1) if parallel else 1
        found = joblib.Parallel(n_jobs=jobs, prefer="threads")(joblib.delayed(fit_one)(value) for value in grid)
        scores = dict(zip(grid, found))
    chosen = max(grid, key=lambda value: (scores[value], -grid.index(value)))
    with final:
        model = make_pipeline(tfidf(), make_model(chosen)).fit(train_x, train_y)
    joblib.dump(model, os.path.join(data, f"{name}.joblib"))
    return {"chosen": chosen, "scores": {str(k): s for k, s in scores.items()}, "search_s": search.wall,
            "search_cpu_s": search.cpu, "fit_s": final.wall, "fit_cpu_s": final.cpu, "blas": blas_kernel()}


def run_sgd(data):
    from sklearn.linear_model import SGDClassifier

    return sklearn_search(data, lambda a: SGDClassifier(loss="log_loss", alpha=a, random_state=SEED, n_jobs=os.cpu_count()),
                          SGD_ALPHAS, "sgd")


def run_logreg(data):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    # 'sag': scikit-learn's docs name sag/saga as the faster solvers for large data (lbfgs is the
    # all-round default); TF-IDF rows are l2-normalized, the equal scale sag needs. The three C
    # values are fitted at once, one per core (bench/README.md "Training").
    return sklearn_search(data, lambda c: LogisticRegression(C=c, solver=LOGREG_SOLVER, random_state=SEED),
                          LOGREG_CS, "logreg", parallel=True)


def vw_train(args, path, model):
    from vowpalwabbit import pyvw

    cache = model + ".cache"
    if os.path.exists(cache):
        os.remove(cache)
    ws = pyvw.Workspace(f"{args} --cache_file {cache} -d {path} -f {model}")
    ws.run_parser()
    ws.finish()
    os.remove(cache)


def vw_predict(model, path, out):
    from vowpalwabbit import pyvw

    ws = pyvw.Workspace(f"-t -i {model} -d {path} -p {out} --quiet")
    ws.run_parser()
    ws.finish()
    with open(out, encoding="utf-8") as f:
        return [str(int(float(line.split()[0]))) for line in f if line.strip()]


def vw_truth(path):
    with open(path, encoding="utf-8") as f:
        return [line.split(" ", 1)[0] for line in f]


def run_vw(data):
    labels = json.load(open(os.path.join(data, "labels.json"), encoding="utf-8"))
    # Multi-pass VW holds out every 10th example unless --holdout_off: it would fit on less data than the others.
    base = f"--oaa {len(labels)} --ngram t2 -b 24 --loss_function logistic --passes {VW_PASSES} --holdout_off --quiet"
    search, final = Clock(), Clock()
    scores = {}
    val = os.path.join(data, "validation.vw")
    truth = vw_truth(val)
    for rate in VW_RATES:
        model = os.path.join(data, f"vw-search-{rate}.model")
        with search:
            vw_train(f"{base} --learning_rate {rate}", os.path.join(data, "fit.vw"), model)
            scores[rate] = accuracy(truth, vw_predict(model, val, model + ".preds"))
    chosen = max(VW_RATES, key=lambda r: (scores[r], -VW_RATES.index(r)))
    with final:
        vw_train(f"{base} --learning_rate {chosen}", os.path.join(data, "train.vw"), os.path.join(data, "vw.model"))
    return {"chosen": chosen, "scores": {str(k): s for k, s in scores.items()}, "search_s": search.wall,
            "search_cpu_s": search.cpu, "fit_s": final.wall, "fit_cpu_s": final.cpu}


def run_vectorize(data):
    from sklearn.datasets import dump_svmlight_file
    from sklearn.feature_extraction.text import TfidfVectorizer

    labels = json.load(open(os.path.join(data, "labels.json"), encoding="utf-8"))
    number = {label: i + 1 for i, label in enumerate(labels)}
    out = {}
    for fit_part, other in (("fit", "validation"), ("train", "test")):
        x_text, y = read_jsonl(os.path.join(data, f"{fit_part}.jsonl"))
        o_text, o_y = read_jsonl(os.path.join(data, f"{other}.jsonl"))
        clock = Clock()
        with clock:
            vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            x = vec.fit_transform(x_text)
            o = vec.transform(o_text)
        dump_svmlight_file(x, [number[l] for l in y], os.path.join(data, f"{fit_part}.svm"), zero_based=False)
        dump_svmlight_file(o, [number[l] for l in o_y], os.path.join(data, f"{other}.svm"), zero_based=False)
        out[fit_part] = {"s": clock.wall, "cpu_s": clock.cpu, "features": x.shape[1]}
    return out


def predict_sklearn(model_path, texts_path, out_path):
    import joblib

    model = joblib.load(model_path)
    with open(texts_path, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f]
    start = time.perf_counter()
    predicted = model.predict(texts)
    hot_s = time.perf_counter() - start
    with open(out_path, "w", encoding="utf-8") as f:
        f.writelines(f"{p}\n" for p in predicted)
    return {"predicted": len(texts), "hot_s": hot_s}


def predict_vw(model, path, out):
    # No "hot_s": pyvw predicts while its Workspace is created (with -d), so nothing can be timed
    # after the model is loaded; hot is cold − start-up, as for the CLIs.
    return {"predicted": len(vw_predict(model, path, out))}


def main(argv):
    commands = {
        "sgd": lambda: run_sgd(argv[1]),
        "logreg": lambda: run_logreg(argv[1]),
        "vw": lambda: run_vw(argv[1]),
        "vectorize": lambda: run_vectorize(argv[1]),
        "predict-sklearn": lambda: predict_sklearn(argv[1], argv[2], argv[3]),
        "predict-vw": lambda: predict_vw(argv[1], argv[2], argv[3]),
    }
    if argv[0] not in commands:
        raise SystemExit(f"unknown command {argv[0]}")
    print(json.dumps(commands[argv[0]]()))


if __name__ == "__main__":
    main(sys.argv[1:])
