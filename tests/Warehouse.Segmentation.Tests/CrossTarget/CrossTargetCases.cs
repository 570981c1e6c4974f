using System;
using Warehouse.Segmentation.Dbscan;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Mixture;
using Warehouse.Segmentation.Scaling;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.Segmentation.Tests.CrossTarget;

/// <summary>
/// Deterministic runs whose fingerprints (FNV-1a of the labels, and the exact bits of a double) are compared with
/// golden values by both the net10.0 tests and the net48 tests under Mono: equal fingerprints on both targets mean
/// equal assignments (and equal floating-point results) in the net48 SQL CLR build and the net10.0 host build.
/// The data come from an integer LCG and additions only, so no runtime maths library is involved in making them.
/// Shared source: compiled into Warehouse.Segmentation.Tests (net10.0) and Warehouse.Segmentation.Net48Tests (net48).
/// </summary>
public static class CrossTargetCases
{
    /// <summary>Golden fingerprints, produced by the net10.0 build (see Print in the net10 tests).</summary>
    public static readonly string[] Golden =
    {
        "kmeans:57e8387a3d4ea5a5:409fcb104476d31c",
        "gmm_full:57e8387a3d4ea5a5:c00477b9520142e2",
        "gmm_diag:57e8387a3d4ea5a5:c0c40e24ecde3f66",
        "dbscan:526e5b1cd21650d7:4062200000000000",
        "ward:61c4ab7ff4578e25:406057f9558fba8d",
        "average:694d4ffad4875265:4010e62548fd1836",
        "som:9b2338f35869b485:3fe4fd84f3cd9a8c",
        "scaler:cbf29ce484222325:bfe0ee8f131829a0",
        "minibatch:676cd1981bb3cc25:409fcdf66ea42ffb",
    };

    /// <summary>Five planted blobs, 6 dimensions, 4,000 rows (several chunks, so the net10 threads are used).</summary>
    public static FeatureMatrix Data(int rows = 4000, int d = 6, int k = 5)
    {
        ulong state = 12345;
        double Uniform()
        {
            state = unchecked(state * 6364136223846793005UL + 1442695040888963407UL);
            return (state >> 11) * (1.0 / 9007199254740992.0);
        }
        var m = new FeatureMatrix(rows, d);
        var centers = new double[k * d];
        for (int t = 0; t < centers.Length; t++) centers[t] = Uniform() * 20 - 10;
        for (int i = 0; i < rows; i++)
        {
            int c = i % k;
            for (int j = 0; j < d; j++)
            {
                double g = -6;
                for (int u = 0; u < 12; u++) g += Uniform(); // Irwin–Hall: mean 0, variance 1
                m[i, j] = centers[c * d + j] + 1.5 * g;
            }
        }
        return m;
    }

    /// <summary>"name:labelsHash:doubleBits" for every algorithm.</summary>
    public static string[] Fingerprints()
    {
        var raw = Data();
        var data = FeatureScaler.Fit(raw, ScalingMethod.ZScore).Transform(raw);
        var small = data.SelectRows(Range(600));
        var km = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 5, Seed = 7, NumberOfInitializations = 3 }).Fit(data);
        var gm = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 5, Seed = 7, MaximumIterations = 30 }).Fit(data);
        var gd = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 5, Seed = 7, MaximumIterations = 30, CovarianceType = CovarianceType.Diagonal }).Fit(data);
        var db = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 0.5, MinPoints = 8 }).Fit(data);
        var ward = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 5 }).Fit(data);
        var avg = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 5, Linkage = Linkage.Average }).Fit(small);
        // Batches of 1,024 rows: two chunks per step (two threads on net10, one after the other on net48), with
        // reassignment and early stopping on.
        var mb = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 5, Seed = 7 }).Fit(data);
        var som = new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 5, Height = 4, Topology = MapTopology.Hexagonal, NumberOfSegments = 5, Epochs = 3, Seed = 7 }).Fit(small);
        return new[]
        {
            Print("kmeans", km.Predict(data), km.Inertia),
            Print("gmm_full", gm.Predict(data), gm.LowerBound),
            Print("gmm_diag", gd.Predict(data), gd.LogLikelihood),
            Print("dbscan", db.TrainingLabels, db.NoiseCount),
            Print("ward", ward.TrainingLabels, ward.Tree.Height(ward.Tree.MergeCount - 1)),
            Print("average", avg.TrainingLabels, avg.Tree.Height(avg.Tree.MergeCount - 1)),
            Print("som", som.Predict(small), som.QuantizationError(small)),
            Print("scaler", new int[0], data[17, 3]),
            Print("minibatch", mb.Predict(data), mb.Inertia),
        };
    }

    private static int[] Range(int n)
    {
        var r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static string Print(string name, int[] labels, double value)
    {
        ulong h = 14695981039346656037UL;
        foreach (int l in labels)
        {
            h ^= (uint)l;
            h = unchecked(h * 1099511628211UL);
        }
        return name + ":" + h.ToString("x16") + ":" + BitConverter.DoubleToInt64Bits(value).ToString("x16");
    }
}
