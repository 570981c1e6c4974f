#!/usr/bin/python3
"""Writes the reference fixtures of Warehouse.Segmentation.Tests from scikit-learn / scipy.

Run from the repository root with Debian's interpreter (it sees python3-sklearn):
    /usr/bin/python3 tests/Warehouse.Segmentation.Tests/Fixtures/generate_fixtures.py
Each fixture is a JSON file with a "provenance" object (generator, library versions, parameters). The data are
small and generated here with fixed seeds, so the fixtures are reproducible and the tests need no Python.
Floats are written with repr (shortest round-trip), so C# reads back the exact doubles.
"""
import json
import os
import platform
import sys

import numpy as np
import scipy
import sklearn
from sklearn.cluster import KMeans
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))


def provenance(what, **params):
    return {
        "generator": "tests/Warehouse.Segmentation.Tests/Fixtures/generate_fixtures.py",
        "what": what,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "parameters": params,
    }


def write(name, obj, indent=1):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")
    print("wrote", name)


def blobs(seed, n_per, centers, scale):
    rng = np.random.RandomState(seed)
    parts, labels = [], []
    for i, c in enumerate(centers):
        parts.append(rng.normal(size=(n_per[i], len(c))) * scale + np.asarray(c, dtype=float))
        labels += [i] * n_per[i]
    return np.vstack(parts), np.asarray(labels)


def kmeans_fixture():
    cases = []
    # Case 1: four overlapping blobs in 3-D, start = rows 0, 50, 100, 150 of a shuffled copy (a poor start, so
    # Lloyd needs several iterations), tol 1e-4.
    X, y = blobs(7, [60, 50, 40, 30], [[0, 0, 0], [3, 3, 0], [0, 4, 2], [4, 0, 3]], 1.3)
    perm = np.random.RandomState(11).permutation(len(X))
    X, y = X[perm], y[perm]
    init = X[[0, 1, 2, 3]].copy()
    for tol, max_iter in [(1e-4, 300), (0.0, 300), (0.0, 3)]:
        km = KMeans(n_clusters=4, init=init, n_init=1, max_iter=max_iter, tol=tol, algorithm="lloyd").fit(X)
        cases.append({"name": f"blobs4_3d_tol{tol}_iter{max_iter}", "k": 4, "tol": tol, "max_iter": max_iter,
                      "weights": None, "data": X.tolist(), "init": init.tolist(), "inertia": float(km.inertia_),
                      "n_iter": int(km.n_iter_), "labels": km.labels_.tolist(), "centers": km.cluster_centers_.tolist()})
    # Case 2: the same data with sample weights.
    w = np.random.RandomState(5).uniform(0.5, 3.0, size=len(X))
    km = KMeans(n_clusters=4, init=init, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(X, sample_weight=w)
    cases.append({"name": "blobs4_3d_weighted", "k": 4, "tol": 1e-4, "max_iter": 300, "weights": w.tolist(),
                  "data": X.tolist(), "init": init.tolist(), "inertia": float(km.inertia_), "n_iter": int(km.n_iter_),
                  "labels": km.labels_.tolist(), "centers": km.cluster_centers_.tolist()})
    # Case 3: k = 9 on 5-D data with a start that leaves clusters empty (two identical start rows).
    X2, _ = blobs(3, [30] * 3, [[0] * 5, [5] * 5, [0, 5, 0, 5, 0]], 1.0)
    init2 = X2[[0, 0, 1, 2, 3, 4, 5, 6, 7]].copy()
    km = KMeans(n_clusters=9, init=init2, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(X2)
    cases.append({"name": "empty_cluster_start", "k": 9, "tol": 1e-4, "max_iter": 300, "weights": None,
                  "data": X2.tolist(), "init": init2.tolist(), "inertia": float(km.inertia_), "n_iter": int(km.n_iter_),
                  "labels": km.labels_.tolist(), "centers": km.cluster_centers_.tolist()})
    write("kmeans_lloyd.json", {"provenance": provenance(
        "sklearn.cluster.KMeans(algorithm='lloyd', n_init=1, init=<fixed array>) inertia_, n_iter_, labels_, cluster_centers_"),
        "cases": cases})


def metrics_fixture():
    cases = []
    X, y = blobs(21, [40, 35, 25, 10], [[0, 0], [2.5, 0.5], [0, 3], [3, 3]], 0.9)
    rng = np.random.RandomState(4)
    noisy = y.copy()
    flip = rng.choice(len(y), 25, replace=False)
    noisy[flip] = rng.randint(0, 5, size=25)
    for name, labels in [("truth", y), ("noisy5", noisy)]:
        cases.append({"name": name, "data": X.tolist(), "labels": labels.tolist(),
                      "silhouette": float(metrics.silhouette_score(X, labels)),
                      "silhouette_samples": metrics.silhouette_samples(X, labels).tolist(),
                      "davies_bouldin": float(metrics.davies_bouldin_score(X, labels)),
                      "calinski_harabasz": float(metrics.calinski_harabasz_score(X, labels))})
    pairs = []
    rs = np.random.RandomState(9)
    for i in range(6):
        n = [20, 50, 200, 7, 100, 300][i]
        a = rs.randint(0, [2, 3, 5, 3, 1, 8][i], size=n)
        b = rs.randint(0, [2, 4, 5, 2, 3, 8][i], size=n)
        if i == 5:
            b = a.copy()
            b[:30] = rs.randint(0, 8, size=30)
        pairs.append({"a": a.tolist(), "b": b.tolist(),
                      "ari": float(metrics.adjusted_rand_score(a, b)),
                      "nmi": float(metrics.normalized_mutual_info_score(a, b))})
    write("metrics.json", {"provenance": provenance(
        "sklearn.metrics silhouette_score/samples, davies_bouldin_score, calinski_harabasz_score, adjusted_rand_score, normalized_mutual_info_score (arithmetic)"),
        "internal": cases, "pairs": pairs})


def hierarchy_fixture():
    from scipy.cluster import hierarchy
    X, _ = blobs(13, [25, 20, 15], [[0, 0, 0], [4, 1, 0], [1, 5, 2]], 1.1)
    X = X[np.random.RandomState(2).permutation(len(X))]
    cases = []
    for method in ["ward", "average", "complete", "single"]:
        Z = hierarchy.linkage(X, method)
        cuts = {str(k): hierarchy.cut_tree(Z, n_clusters=k).ravel().tolist() for k in range(1, len(X) + 1)}
        dn = hierarchy.dendrogram(Z, no_plot=True)
        height = float(Z[len(X) // 2, 2])
        cases.append({"method": method, "linkage": Z.tolist(), "cuts": cuts, "leaves": dn["leaves"],
                      "icoord": dn["icoord"], "dcoord": dn["dcoord"], "cut_height": height,
                      "fcluster_distance": hierarchy.fcluster(Z, height, criterion="distance").tolist()})
    write("hierarchy.json", {"provenance": provenance(
        "scipy.cluster.hierarchy linkage(X, method), cut_tree(Z, n_clusters=k) for every k, dendrogram(no_plot=True), fcluster(criterion='distance')"),
        "data": X.tolist(), "cases": cases})


def dbscan_fixture():
    from sklearn.cluster import DBSCAN
    from sklearn.neighbors import NearestNeighbors
    X, _ = blobs(17, [80, 60, 50], [[0, 0], [4, 0], [2, 4]], 0.7)
    noise = np.random.RandomState(18).uniform(-3, 7, size=(30, 2))
    X = np.vstack([X, noise])
    X = X[np.random.RandomState(19).permutation(len(X))]
    X3, _ = blobs(23, [70, 70], [[0, 0, 0], [3, 3, 3]], 0.8)
    cases = []
    for name, data, eps, mp in [("blobs2d", X, 0.5, 5), ("blobs2d_wide", X, 0.9, 10), ("blobs3d", X3, 0.6, 4)]:
        db = DBSCAN(eps=eps, min_samples=mp).fit(data)
        k = mp
        kd = NearestNeighbors(n_neighbors=k).fit(data).kneighbors(data)[0][:, -1]
        cases.append({"name": name, "eps": eps, "min_samples": mp, "data": data.tolist(),
                      "labels": db.labels_.tolist(), "core_sample_indices": db.core_sample_indices_.tolist(),
                      "k": k, "k_distances_desc": np.sort(kd)[::-1].tolist()})
    write("dbscan.json", {"provenance": provenance(
        "sklearn.cluster.DBSCAN(eps, min_samples).fit: labels_, core_sample_indices_; NearestNeighbors(n_neighbors=k).kneighbors(X) k-th distance (self counted), sorted descending"),
        "cases": cases})


def gmm_fixture():
    from sklearn.mixture import GaussianMixture
    from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters
    X, _ = blobs(31, [70, 50, 40], [[0, 0, 0], [3, 1, 0], [1, 3, 2]], 0.8)
    rs = np.random.RandomState(32)
    X = X @ (np.eye(3) + 0.3 * rs.normal(size=(3, 3)))  # anisotropic
    X = X[rs.permutation(len(X))]
    labels = KMeans(3, n_init=1, random_state=0).fit(X).labels_
    resp = np.zeros((len(X), 3)); resp[np.arange(len(X)), labels] = 1
    cases = []
    for cov in ["full", "diag", "spherical"]:
        w, mu, c = _estimate_gaussian_parameters(X, resp, 1e-6, cov)
        w = w / w.sum()
        prec = np.linalg.inv(c) if cov == "full" else 1.0 / c
        for tol, max_iter in [(1e-3, 100), (0.0, 7)]:
            g = GaussianMixture(3, covariance_type=cov, tol=tol, max_iter=max_iter, weights_init=w, means_init=mu,
                                precisions_init=prec, random_state=0).fit(X)
            cases.append({"covariance": cov, "tol": tol, "max_iter": max_iter,
                          "init_weights": w.tolist(), "init_means": mu.tolist(), "init_covariances": np.ravel(c).tolist(),
                          "weights": g.weights_.tolist(), "means": g.means_.tolist(),
                          "covariances": np.ravel(g.covariances_).tolist(), "lower_bound": float(g.lower_bound_),
                          "n_iter": int(g.n_iter_), "labels": g.predict(X).tolist(),
                          "proba_first10": g.predict_proba(X[:10]).tolist(), "score": float(g.score(X)),
                          "bic": float(g.bic(X)), "aic": float(g.aic(X))})
    write("gmm.json", {"provenance": provenance(
        "sklearn.mixture.GaussianMixture(k=3, covariance_type, tol, max_iter, weights_init/means_init/precisions_init from "
        "_estimate_gaussian_parameters on k-means one-hot responsibilities, reg_covar=1e-6); precisions_init = inverse covariances"),
        "data": X.tolist(), "cases": cases})


def minibatch_fixture():
    from sklearn.cluster import MiniBatchKMeans
    import warnings
    # Planted: 8 blobs in 4-D of unequal sizes (3,000 rows), rounded to 4 decimals so the fixture holds the exact data
    # scikit-learn saw. Two starts: "poor" puts three centres in blob 0 and two far from every row (they receive
    # nothing until re-seeded), three on blobs 1-3; "kmeans++" is scikit-learn's own start (n_init=3). For each seed
    # scikit-learn's MiniBatchKMeans runs with its defaults otherwise (reassignment_ratio 0.01, max_no_improvement 10,
    # tol 0, max_iter 100) and with reassignment_ratio=0; inertia_ is on all rows (compute_labels=True). Our random
    # generator is not NumPy's, so the tests compare distributions over the seeds, not single runs.
    sizes = [600, 500, 450, 400, 350, 300, 250, 150]
    rs = np.random.RandomState(41)
    centers = rs.uniform(-10, 10, size=(8, 4))
    X, y = blobs(42, sizes, centers.tolist(), 1.0)
    perm = np.random.RandomState(43).permutation(len(X))
    X, y = np.round(X[perm], 4), y[perm]
    poor = np.vstack([X[y == 0][:3], np.full((2, 4), 40.0), centers[1:4]])
    seeds = list(range(40))
    batch = 256
    cases = []
    for start_name, init in [("poor", poor), ("kmeans++", "k-means++")]:
        for ratio in [0.01, 0.0]:
            inertias, steps = [], []
            for seed in seeds:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mb = MiniBatchKMeans(8, init=init, n_init=1 if start_name == "poor" else 3, batch_size=batch,
                                         reassignment_ratio=ratio, random_state=seed).fit(X)
                inertias.append(float(mb.inertia_))
                steps.append(int(mb.n_steps_))
            cases.append({"start": start_name, "reassignment_ratio": ratio, "batch_size": batch, "weights": None,
                          "seeds": seeds, "inertia": inertias, "n_steps": steps})
    # Weighted rows (uniform 0.5-3), poor start, with reassignment: weights enter the running means, the centre
    # weights that decide reassignment, and the (weighted) inertia.
    w = np.round(np.random.RandomState(44).uniform(0.5, 3.0, size=len(X)), 3)
    inertias, steps = [], []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mb = MiniBatchKMeans(8, init=poor, n_init=1, batch_size=batch, random_state=seed).fit(X, sample_weight=w)
        inertias.append(float(mb.inertia_))
        steps.append(int(mb.n_steps_))
    cases.append({"start": "poor", "reassignment_ratio": 0.01, "batch_size": batch, "weights": w.tolist(),
                  "seeds": seeds, "inertia": inertias, "n_steps": steps})
    lloyd = KMeans(8, init=np.array([X[y == c].mean(axis=0) for c in range(8)]), n_init=1).fit(X)
    write("minibatch.json", {"provenance": provenance(
        "sklearn.cluster.MiniBatchKMeans(8, init=<poor fixed array> with n_init=1 | 'k-means++' with n_init=3, "
        "batch_size=256, reassignment_ratio in {0.01, 0}, random_state=seed, other parameters default).fit(X).inertia_ "
        "and n_steps_ for seeds 0-39 (one weighted case: fit(X, sample_weight=weights), weighted inertia_); planted_inertia: KMeans(8) Lloyd from the planted cluster means",
        sizes=sizes, blob_seed=42, centers_seed=41, permutation_seed=43, scale=1.0, decimals=4),
        "data": X.tolist(), "truth": y.tolist(), "poor_start": poor.tolist(),
        "planted_inertia": float(lloyd.inertia_), "cases": cases}, indent=None)


if __name__ == "__main__":
    which = set(sys.argv[1:])
    for name, fn in [("kmeans", kmeans_fixture), ("metrics", metrics_fixture), ("hierarchy", hierarchy_fixture), ("dbscan", dbscan_fixture), ("gmm", gmm_fixture), ("minibatch", minibatch_fixture)]:
        if not which or name in which:
            fn()
