"""Reference values for PrincipalComponents and the report's Ward tree (Warehouse.Segmentation LinkageMatrix, WardCuts) (tests/Warehouse.Reports.Tests/Analysis).

Run with Debian's Python (scikit-learn 1.2.1, SciPy 1.10.1, NumPy):
    /usr/bin/python3 generate_analysis_reference.py > analysis_reference.json
Data: 3 planted blobs of 12 points in 4 dimensions, NumPy default_rng(2024), rounded to 3 decimals.
PCA: sklearn.decomposition.PCA (full SVD); each component's sign is set so its largest |loading| is positive.
Ward: scipy.cluster.hierarchy.linkage(method="ward") and dendrogram(no_plot=True) leaves/icoord/dcoord.
"""
import json
import numpy as np
from sklearn.decomposition import PCA
from scipy.cluster.hierarchy import linkage, dendrogram

rng = np.random.default_rng(2024)
centers = np.array([[0, 0, 0, 0], [5, 1, -2, 3], [-3, 4, 2, -1]], dtype=float)
points = np.round(np.vstack([c + rng.normal(scale=[1.0, 0.7, 0.5, 1.2], size=(12, 4)) for c in centers]), 3)

pca = PCA(svd_solver="full").fit(points)
components = pca.components_.copy()
for k in range(components.shape[0]):
    if components[k, np.argmax(np.abs(components[k]))] < 0:
        components[k] = -components[k]
projection = (points - pca.mean_) @ components[:2].T

z = linkage(points, method="ward")
d = dendrogram(z, no_plot=True)
print(json.dumps({
    "points": points.tolist(),
    "explainedVariance": pca.explained_variance_.tolist(),
    "components": components.tolist(),
    "projection": projection.tolist(),
    "linkage": z.tolist(),
    "leaves": d["leaves"],
    "icoord": d["icoord"],
    "dcoord": d["dcoord"],
}, indent=1))
