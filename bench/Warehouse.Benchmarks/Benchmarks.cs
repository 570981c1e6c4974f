using BenchmarkDotNet.Attributes;
using Warehouse.Segmentation;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Benchmarks;

/// <summary>One Lloyd iteration (assignment + centre update) from the fixed start of gen_data.py.</summary>
[MemoryDiagnoser]
public class LloydIterationBenchmark
{
    private FeatureMatrix _data = null!;
    private FeatureMatrix _init = null!;

    [Params("blobs_1000000x16", "blobs_1000000x8")]
    public string Data { get; set; } = "blobs_1000000x16";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => (_data, _init) = BenchData.Load(Data);

    [Benchmark]
    public double OneIteration() =>
        new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = _init.Rows, InitialCentroids = _init, MaximumIterations = 1, Tolerance = 0, MaxDegreeOfParallelism = Threads }).Fit(_data).Inertia;
}

/// <summary>Exact silhouette on 20k × 8.</summary>
public class SilhouetteBenchmark
{
    private FeatureMatrix _data = null!;
    private int[] _labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        FeatureMatrix init;
        (_data, init) = BenchData.Load("blobs_20000x8");
        _labels = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = init.Rows, InitialCentroids = init, MaximumIterations = 50, Tolerance = 0 }).Fit(_data).Predict(_data);
    }

    [Benchmark]
    public double Exact() => ClusteringMetrics.Silhouette(_data, _labels);
}
