"""Python peers of `pnpm bench:train` (run in bench/.data/venv, one process per tool, under GNU time).

  peers.py sklearn tfidf|hashing DIR   TfidfVectorizer(1-2 grams, sublinear_tf) or HashingVectorizer(1-2 grams)
                                       + SGDClassifier(loss="log_loss"), defaults otherwise
  peers.py vw PASSES DIR               Vowpal Wabbit through pyvw (--oaa K --ngram t2 -b 24 --loss_function logistic)
  peers.py vectorize DIR               TF-IDF 1-2 grams (sublinear) -> train.svm / test.svm for LIBLINEAR

Each prints one JSON line; times are wall seconds inside the process (interpreter start and imports excluded).
"""
import json
import os
import sys
import time


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


def tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)


def run_sklearn(kind, data):
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier
    from threadpoolctl import threadpool_info

    x_text, y = read_jsonl(os.path.join(data, "train.jsonl"))
    t_text, t_y = read_jsonl(os.path.join(data, "test.jsonl"))
    vec = tfidf() if kind == "tfidf" else HashingVectorizer(ngram_range=(1, 2), alternate_sign=False)
    start = time.perf_counter()
    x = vec.fit_transform(x_text)
    clf = SGDClassifier(loss="log_loss", random_state=42).fit(x, y)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = clf.predict(vec.transform(t_text))
    predict_s = time.perf_counter() - start
    blas = sorted({i.get("architecture") or "" for i in threadpool_info() if i.get("user_api") == "blas"})
    return {"accuracy": accuracy(t_y, predicted), "train_s": train_s, "predict_s": predict_s,
            "features": x.shape[1], "blas_kernel": ",".join(blas)}


def run_vw(passes, data):
    from vowpalwabbit import pyvw

    labels = json.load(open(os.path.join(data, "labels.json"), encoding="utf-8"))
    model = os.path.join(data, f"vw-{passes}.model")
    preds = os.path.join(data, f"vw-{passes}.preds")
    cache = os.path.join(data, f"vw-{passes}.cache")
    args = f"--oaa {len(labels)} --ngram t2 -b 24 --loss_function logistic --quiet"
    if passes > 1:
        # Several passes need a cache; VW would hold out every 10th example otherwise.
        if os.path.exists(cache):
            os.remove(cache)
        args += f" --passes {passes} --cache_file {cache} --holdout_off"
    start = time.perf_counter()
    ws = pyvw.Workspace(f"{args} -d {os.path.join(data, 'train.vw')} -f {model}")
    ws.run_parser()
    ws.finish()
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    ws = pyvw.Workspace(f"-t -i {model} -d {os.path.join(data, 'test.vw')} -p {preds} --quiet")
    ws.run_parser()
    ws.finish()
    predict_s = time.perf_counter() - start
    with open(os.path.join(data, "test.vw"), encoding="utf-8") as f:
        truth = [line.split(" ", 1)[0] for line in f]
    with open(preds, encoding="utf-8") as f:
        predicted = [str(int(float(line.split()[0]))) for line in f if line.strip()]
    return {"accuracy": accuracy(truth, predicted), "train_s": train_s, "predict_s": predict_s}


def run_vectorize(data):
    from sklearn.datasets import dump_svmlight_file

    x_text, y = read_jsonl(os.path.join(data, "train.jsonl"))
    t_text, t_y = read_jsonl(os.path.join(data, "test.jsonl"))
    labels = json.load(open(os.path.join(data, "labels.json"), encoding="utf-8"))
    number = {label: i + 1 for i, label in enumerate(labels)}
    start = time.perf_counter()
    vec = tfidf()
    x = vec.fit_transform(x_text)
    t = vec.transform(t_text)
    vectorize_s = time.perf_counter() - start
    dump_svmlight_file(x, [number[l] for l in y], os.path.join(data, "train.svm"), zero_based=False)
    dump_svmlight_file(t, [number[l] for l in t_y], os.path.join(data, "test.svm"), zero_based=False)
    return {"vectorize_s": vectorize_s, "features": x.shape[1]}


def main(argv):
    if argv[0] == "sklearn":
        out = run_sklearn(argv[1], argv[2])
    elif argv[0] == "vw":
        out = run_vw(int(argv[1]), argv[2])
    elif argv[0] == "vectorize":
        out = run_vectorize(argv[1])
    else:
        raise SystemExit(f"unknown command {argv[0]}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
