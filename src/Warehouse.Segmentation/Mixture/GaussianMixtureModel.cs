using System;
using System.IO;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.Mixture;

/// <summary>
/// A fitted Gaussian mixture: weights, means, covariances; assigns a row to the component with the highest
/// posterior probability and gives the membership probabilities. Immutable (properties return copies).
/// </summary>
public sealed class GaussianMixtureModel : ISegmentationModel
{
    private readonly GaussianComponents _g;
    private readonly string[]? _names;

    internal GaussianMixtureModel(GaussianComponents g, double lowerBound, int iterations, bool converged, double logLikelihood, int trainingRows, string[]? names)
    {
        _g = g;
        LowerBound = lowerBound;
        Iterations = iterations;
        Converged = converged;
        LogLikelihood = logLikelihood;
        TrainingRows = trainingRows;
        _names = names;
    }

    /// <summary>Covariance shape.</summary>
    public CovarianceType CovarianceType => _g.Type;

    /// <summary>Mixing weights (k, sum 1; copy).</summary>
    public double[] Weights => (double[])_g.Weights.Clone();

    /// <summary>Component means (k × d; copy).</summary>
    public FeatureMatrix Means => new FeatureMatrix((double[])_g.Means.Clone(), _g.D) { ColumnNames = (string[]?)_names?.Clone() };

    /// <summary>Covariances (copy): Full k·d·d (component-major, row-major d × d), Diagonal k·d, Spherical k.</summary>
    public double[] Covariances => (double[])_g.Covariances.Clone();

    /// <summary>Mean log-likelihood per row at the last EM iteration (scikit-learn's lower_bound_).</summary>
    public double LowerBound { get; }

    /// <summary>Total log-likelihood of the training rows under the returned parameters.</summary>
    public double LogLikelihood { get; }

    /// <summary>EM iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the tolerance was reached before the cap.</summary>
    public bool Converged { get; }

    /// <summary>Training rows n.</summary>
    public int TrainingRows { get; }

    /// <summary>Free parameters: k·d means + covariance parameters + (k − 1) weights.</summary>
    public int ParameterCount
    {
        get
        {
            int k = _g.K, d = _g.D;
            int cov = _g.Type == CovarianceType.Full ? k * d * (d + 1) / 2 : _g.Type == CovarianceType.Diagonal ? k * d : k;
            return k * d + cov + k - 1;
        }
    }

    /// <summary>Bayesian information criterion on the training rows: −2·log L + p·ln n (lower is better).</summary>
    public double Bic => -2 * LogLikelihood + ParameterCount * Math.Log(TrainingRows);

    /// <summary>Akaike information criterion on the training rows: −2·log L + 2p.</summary>
    public double Aic => -2 * LogLikelihood + 2.0 * ParameterCount;

    /// <inheritdoc />
    public int NumberOfSegments => _g.K;

    /// <inheritdoc />
    public int FeatureCount => _g.D;

    /// <summary>Total log-likelihood of <paramref name="data"/> under the model.</summary>
    public double Score(FeatureMatrix data)
    {
        Check(data);
        var resp = new double[(long)data.Rows * _g.K];
        return _g.EStep(data.Values, data.Rows, resp, -1);
    }

    /// <summary>Posterior membership probabilities of one row (k values summing to 1).</summary>
    public double[] PredictProbabilities(double[] row)
    {
        CheckRow(row);
        var resp = new double[_g.K];
        _g.EStep(row, 1, resp, 1);
        return resp;
    }

    /// <summary>Posterior membership probabilities of every row (n × k).</summary>
    public FeatureMatrix PredictProbabilities(FeatureMatrix data)
    {
        Check(data);
        var resp = new double[(long)data.Rows * _g.K];
        _g.EStep(data.Values, data.Rows, resp, -1);
        return new FeatureMatrix(resp, _g.K);
    }

    /// <inheritdoc />
    public int Predict(double[] row)
    {
        CheckRow(row);
        var lp = new double[_g.K];
        _g.WeightedLogProbabilities(row, 0, lp, 0, new double[_g.D]);
        return ArgMax(lp, 0, _g.K);
    }

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data)
    {
        Check(data);
        int n = data.Rows, k = _g.K, d = _g.D;
        var labels = new int[n];
        int chunks = (n + GaussianComponents.ChunkRows - 1) / GaussianComponents.ChunkRows;
        GaussianComponents.ForEachChunk(chunks, -1, ch =>
        {
            var lp = new double[k];
            var scratch = new double[d];
            int s = ch * GaussianComponents.ChunkRows, e = Math.Min(n, s + GaussianComponents.ChunkRows);
            for (int i = s; i < e; i++)
            {
                _g.WeightedLogProbabilities(data.Values, (long)i * d, lp, 0, scratch);
                labels[i] = ArgMax(lp, 0, k);
            }
        });
        return labels;
    }

    private static int ArgMax(double[] v, int o, int k)
    {
        int best = 0;
        for (int c = 1; c < k; c++) if (v[o + c] > v[o + best]) best = c;
        return best;
    }

    /// <inheritdoc />
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.GaussianMixture, w =>
    {
        w.Write(_g.K);
        w.Write(_g.D);
        w.Write((byte)_g.Type);
        ModelEnvelope.WriteDoubles(w, _g.Weights);
        ModelEnvelope.WriteDoubles(w, _g.Means);
        ModelEnvelope.WriteDoubles(w, _g.Covariances);
        w.Write(LowerBound);
        w.Write(LogLikelihood);
        w.Write(Iterations);
        w.Write(Converged);
        w.Write(TrainingRows);
        ModelEnvelope.WriteStrings(w, _names);
    });

    internal static GaussianMixtureModel ReadBody(BinaryReader r)
    {
        int k = r.ReadInt32(), d = r.ReadInt32();
        var type = (CovarianceType)r.ReadByte();
        if (k < 1 || d < 1 || !Enum.IsDefined(typeof(CovarianceType), type)) throw ModelEnvelope.Corrupt("invalid mixture header");
        var weights = ModelEnvelope.ReadDoubles(r);
        var means = ModelEnvelope.ReadDoubles(r);
        var cov = ModelEnvelope.ReadDoubles(r);
        if (weights.Length != k || means.Length != k * d || cov.Length != GaussianComponents.CovarianceLength(type, k, d))
            throw ModelEnvelope.Corrupt("mixture arrays do not match k and d");
        double lb = r.ReadDouble(), ll = r.ReadDouble();
        int iterations = r.ReadInt32();
        bool converged = r.ReadBoolean();
        int rows = r.ReadInt32();
        var names = ModelEnvelope.ReadStrings(r);
        var g = new GaussianComponents(k, d, type, weights, means, cov);
        try
        {
            g.Prepare();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException("corrupt segmentation payload: " + e.Message, e);
        }
        return new GaussianMixtureModel(g, lb, iterations, converged, ll, rows, names);
    }

    private void Check(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount) throw new ArgumentException($"data has {data.Columns} columns but the model was trained on {FeatureCount}", nameof(data));
        data.EnsureFinite(nameof(data));
    }

    private void CheckRow(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount) throw new ArgumentException($"row has {row.Length} values but the model was trained on {FeatureCount} features", nameof(row));
        for (int j = 0; j < row.Length; j++)
            if (double.IsNaN(row[j]) || double.IsInfinity(row[j]))
                throw new ArgumentException($"column {j}: value is {row[j]}; rows must be finite", nameof(row));
    }
}
