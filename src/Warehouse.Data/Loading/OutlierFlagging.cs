using System.Globalization;
using Dapper;

namespace Warehouse.Data.Loading;

/// <summary>
/// Flags the unusual rows of one load, never drops them: the last step of the purchase, web-session and social migrations,
/// inside the load's transaction. Per measure, the modified z-score of Iglewicz and Hoaglin (1993, "How to Detect and
/// Handle Outliers", ASQC) on the scale <c>y = log10(1 + |value|)</c>: <c>M = 0.6745 (y − median) / MAD</c> over every row
/// of the fact table after the load (this load's included); a row of this load whose <c>M</c> exceeds the threshold
/// (default <see cref="DefaultThreshold"/>) gets the measure's bit in <c>OutlierFlags</c>. Only the upper side is flagged:
/// small values (single units, one-page sessions, no likes) are normal. When MAD is 0 the scale is 1.253314 × the mean
/// absolute deviation (as IBM SPSS and <c>Warehouse.Etl.Cleaning.OutlierRules</c> do); when that is 0 too nothing is flagged.
/// </summary>
/// <remarks>
/// <para>Set-based in the engine (two quantile passes over the fact table, one update of the load's flagged rows); host
/// memory is flat. The statistics, the threshold and the bound in the measure's units (<c>|value| &gt; UpperBound</c> is
/// flagged) are recorded per load and measure in <c>Integration.OutlierStatistic</c>, so every flag is explainable.</para>
/// <para>The threshold is the <c>Outliers.Threshold</c> row of <c>Application.Setting</c> (a number &gt; 0), else 3.5.
/// SQL Server runs the same rule in <c>Integration.Flag…Outliers</c>, called by each migration procedure.</para>
/// </remarks>
public static class OutlierFlagging
{
    /// <summary>Modified z-score above which a row is flagged when no setting says otherwise (Iglewicz and Hoaglin's recommendation).</summary>
    public const double DefaultThreshold = 3.5;

    /// <summary>Name of the threshold's row in <c>Application.Setting</c>.</summary>
    public const string ThresholdSetting = "Outliers.Threshold";

    /// <summary>One flagged measure of a fact table.</summary>
    /// <param name="Column">Column of the fact table (a constant, never input).</param>
    /// <param name="FlagBit">Bit of <c>OutlierFlags</c> it sets.</param>
    public sealed record Measure(string Column, int FlagBit);

    /// <summary>What was decided for one measure of one load (a row of <c>Integration.OutlierStatistic</c>).</summary>
    /// <param name="TableName">Fact table, e.g. Fact.Purchase.</param>
    /// <param name="MeasureName">Column, e.g. Quantity.</param>
    /// <param name="FlagBit">Bit of OutlierFlags.</param>
    /// <param name="Threshold">Modified z-score threshold used.</param>
    /// <param name="RowsInStatistics">Rows of the fact table the statistics describe.</param>
    /// <param name="Median">Median of log10(1 + |value|), or null without rows.</param>
    /// <param name="MedianAbsoluteDeviation">MAD of log10(1 + |value|).</param>
    /// <param name="MeanAbsoluteDeviation">Mean absolute deviation from the median (the scale when MAD is 0).</param>
    /// <param name="UpperBound">Rows with |value| above it are flagged; null: nothing is.</param>
    /// <param name="RowsEvaluated">Rows of the load.</param>
    /// <param name="RowsFlagged">Rows of the load flagged for this measure.</param>
    public sealed record Statistic(string TableName, string MeasureName, int FlagBit, double Threshold, long RowsInStatistics, double? Median,
        double? MedianAbsoluteDeviation, double? MeanAbsoluteDeviation, double? UpperBound, long RowsEvaluated, long RowsFlagged);

    /// <summary>The flagged measures of a fact table (empty for tables without any): purchases Quantity 1, UnitPrice 2,
    /// Amount 4; web sessions DurationSeconds 1, PageViews 2; social interactions Likes 1.</summary>
    /// <param name="factTable">Two-part name, e.g. Fact.Purchase.</param>
    public static IReadOnlyList<Measure> MeasuresOf(string factTable) => factTable switch
    {
        "Fact.Purchase" => [new("Quantity", 1), new("UnitPrice", 2), new("Amount", 4)],
        "Fact.WebSession" => [new("DurationSeconds", 1), new("PageViews", 2)],
        "Fact.SocialInteraction" => [new("Likes", 1)],
        _ => [],
    };

    /// <summary>
    /// Flags the rows <paramref name="session"/> wrote into <paramref name="factTable"/> and records the statistics; does
    /// nothing for a table without measures. Rows of the load are re-decided (a flag of a replaced row is cleared when the
    /// row is no longer unusual); rows of other loads keep theirs.
    /// </summary>
    /// <param name="session">The load, after its migration wrote the facts.</param>
    /// <param name="factTable">Two-part name of the load's fact table.</param>
    /// <param name="threshold">Threshold; null: the setting, else <see cref="DefaultThreshold"/>.</param>
    /// <returns>One statistic per measure.</returns>
    /// <exception cref="InvalidOperationException">The setting is not a number &gt; 0.</exception>
    public static IReadOnlyList<Statistic> Run(DuckDbLoadSession session, string factTable, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(factTable);
        var measures = MeasuresOf(factTable);
        if (measures.Count == 0)
        {
            return [];
        }

        if (threshold is { } given && !(given > 0 && double.IsFinite(given)))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "must be a finite number > 0");
        }

        var t = threshold ?? ReadThreshold(session.Query<string>(
            "SELECT \"SettingValue\" FROM \"Application\".\"Setting\" WHERE \"SettingName\" = @name", new { name = ThresholdSetting }));
        var table = Quote(factTable);
        var y = measures.Select(m => $"log10(1 + abs({Quote(m.Column)}))").ToList();

        // Per measure, pass 1: the median of y (and the row count); pass 2: the median and mean of |y - median|. Each pass groups
        // the table's rows by their value (a hash aggregate: a fact table holds few distinct quantities, prices or amounts
        // compared with its rows) and takes the quantile from the running counts, interpolated as quantile_cont / SQL Server's
        // PERCENTILE_CONT do (lo + (hi - lo) · 0.5 when the count is even): the same figures as sorting every row, without the sort.
        long count = 0;
        var medians = new double?[measures.Count];
        var mads = new double?[measures.Count];
        var meanAds = new double?[measures.Count];
        for (var i = 0; i < measures.Count; i++)
        {
            var centre = WeightedMedian(session, $"SELECT {y[i]} AS v, count(*) AS c FROM {table} GROUP BY 1", null);
            count = centre.Count;
            medians[i] = centre.Median;
            if (centre.Median is { } median)
            {
                var spread = WeightedMedian(session, $"SELECT abs({y[i]} - @m) AS v, count(*) AS c FROM {table} GROUP BY 1", median);
                mads[i] = spread.Median;
                meanAds[i] = spread.Mean;
            }
        }

        var bounds = measures.Select((_, i) => UpperBound(medians[i], mads[i], meanAds[i], t)).ToArray();
        var boundParameters = new DynamicParameters();
        boundParameters.Add("LineageKey", session.LineageKey);
        for (var i = 0; i < measures.Count; i++)
        {
            boundParameters.Add($"b{i}", bounds[i] ?? double.PositiveInfinity);
        }

        // Compared as doubles, as SQL Server compares a number with a FLOAT (and an infinite bound, "nothing flagged", stays a double).
        var flagged = measures.Select((m, i) => $"CAST(abs({Quote(m.Column)}) AS DOUBLE) > @b{i}").ToList();
        var flags = string.Join(" + ", measures.Select((m, i) => $"CASE WHEN {flagged[i]} THEN {m.FlagBit} ELSE 0 END"));
        // Only the load's rows that change: newly flagged, or flagged before by a row this load replaced.
        session.Execute($"""
            UPDATE {table} SET "OutlierFlags" = CAST({flags} AS UTINYINT)
            WHERE "LineageKey" = @LineageKey AND ("OutlierFlags" <> 0 OR {string.Join(" OR ", flagged)})
            """, boundParameters);
        var counted = (IDictionary<string, object?>)session.Query<dynamic>($"""
            SELECT count(*) AS n, {string.Join(", ", measures.Select((m, i) => $"count(*) FILTER (WHERE (\"OutlierFlags\" & {m.FlagBit}) <> 0) AS f{i}"))}
            FROM {table} WHERE "LineageKey" = @LineageKey
            """, new { session.LineageKey }).Single();
        var evaluated = Convert.ToInt64(counted["n"], CultureInfo.InvariantCulture);

        var statistics = measures.Select((m, i) => new Statistic(factTable, m.Column, m.FlagBit, t, count, medians[i], mads[i], meanAds[i], bounds[i],
            evaluated, Convert.ToInt64(counted[$"f{i}"], CultureInfo.InvariantCulture))).ToList();
        session.Execute("DELETE FROM \"Integration\".\"OutlierStatistic\" WHERE \"LineageKey\" = @LineageKey AND \"TableName\" = @TableName",
            new { session.LineageKey, TableName = factTable });
        foreach (var s in statistics)
        {
            session.Execute("""
                INSERT INTO "Integration"."OutlierStatistic" ("LineageKey", "TableName", "MeasureName", "FlagBit", "Threshold", "RowsInStatistics", "Median",
                    "MedianAbsoluteDeviation", "MeanAbsoluteDeviation", "UpperBound", "RowsEvaluated", "RowsFlagged")
                VALUES (@LineageKey, @TableName, @MeasureName, @FlagBit, @Threshold, @RowsInStatistics, @Median,
                    @MedianAbsoluteDeviation, @MeanAbsoluteDeviation, @UpperBound, @RowsEvaluated, @RowsFlagged)
                """, new
            {
                session.LineageKey, s.TableName, s.MeasureName, s.FlagBit, s.Threshold, s.RowsInStatistics, s.Median, s.MedianAbsoluteDeviation,
                s.MeanAbsoluteDeviation, s.UpperBound, s.RowsEvaluated, s.RowsFlagged,
            });
        }

        return statistics;
    }

    /// <summary>
    /// Median and mean of the values of <paramref name="groupsSql"/> (rows v, c: a value and how many rows hold it), the
    /// median interpolated as quantile_cont(v, 0.5) over the expanded rows: the values at 0-based positions ⌊(n − 1)/2⌋ and
    /// ⌊n/2⌋ of the sorted rows, lo + (hi − lo) · 0.5 when they differ. Null median and mean without rows.
    /// </summary>
    private static (long Count, double? Median, double? Mean) WeightedMedian(DuckDbLoadSession session, string groupsSql, double? m)
    {
        var row = session.Query<(long? N, double? Lo, double? Hi, double? Total)>($"""
            WITH g AS ({groupsSql}),
            r AS (SELECT v, c, sum(c) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto FROM g),
            t AS (SELECT sum(c) AS n FROM g)
            SELECT CAST(t.n AS BIGINT) AS n,
                   max(r.v) FILTER (WHERE r.upto - r.c <= (t.n - 1) // 2 AND (t.n - 1) // 2 < r.upto) AS lo,
                   max(r.v) FILTER (WHERE r.upto - r.c <= t.n // 2 AND t.n // 2 < r.upto) AS hi,
                   sum(r.v * r.c) AS total
            FROM r, t
            GROUP BY t.n
            """, m is null ? null : new { m }).SingleOrDefault();
        if (row.N is not { } n || n == 0 || row.Lo is not { } lo || row.Hi is not { } hi)
        {
            return (0, null, null);
        }

        return (n, lo == hi ? lo : lo + (hi - lo) * 0.5, row.Total / n);
    }

    /// <summary>
    /// The bound in the measure's units: <c>10^(median + threshold · scale) − 1</c> with scale MAD / 0.6745, or 1.253314 ×
    /// the mean absolute deviation when MAD is 0; null when the scale is 0 or there are no rows (nothing is flagged).
    /// </summary>
    /// <param name="median">Median of log10(1 + |value|).</param>
    /// <param name="mad">Median absolute deviation.</param>
    /// <param name="meanAbsoluteDeviation">Mean absolute deviation.</param>
    /// <param name="threshold">Modified z-score threshold.</param>
    public static double? UpperBound(double? median, double? mad, double? meanAbsoluteDeviation, double threshold)
    {
        if (median is not { } m)
        {
            return null;
        }

        double? scale = mad > 0 ? mad / 0.6745 : meanAbsoluteDeviation > 0 ? 1.253314 * meanAbsoluteDeviation : null;
        return scale is { } s ? Math.Pow(10, m + threshold * s) - 1 : null;
    }

    /// <summary>The threshold from the setting's values (none: <see cref="DefaultThreshold"/>).</summary>
    /// <exception cref="InvalidOperationException">The value is not a number &gt; 0.</exception>
    internal static double ReadThreshold(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return DefaultThreshold;
        }

        var text = values[0];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
        {
            throw new InvalidOperationException(
                $"Application.Setting {ThresholdSetting} = '{text}' is not a number > 0 (a modified z-score, e.g. 3.5; invariant culture).");
        }

        return value;
    }

    /// <summary>The statistics recorded for a load, in table and bit order (empty when it flagged nothing: another source, or skipped).</summary>
    /// <param name="warehouse">The warehouse (either engine).</param>
    /// <param name="lineageKey">The load.</param>
    public static IReadOnlyList<Statistic> Read(IWarehouse warehouse, int lineageKey)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.Connection.Query<(string TableName, string MeasureName, int FlagBit, double Threshold, long RowsInStatistics, double? Median,
                double? Mad, double? MeanAd, double? UpperBound, long RowsEvaluated, long RowsFlagged)>(warehouse.Sql(ReadSql), new { LineageKey = lineageKey })
            .Select(r => new Statistic(r.TableName, r.MeasureName, r.FlagBit, r.Threshold, r.RowsInStatistics, r.Median, r.Mad, r.MeanAd, r.UpperBound,
                r.RowsEvaluated, r.RowsFlagged))
            .ToList();
    }

    /// <summary>The query <see cref="Read"/> sends (both engines; <c>EtlLoader</c> may read the table).</summary>
    public const string ReadSql = """
        SELECT s.TableName, s.MeasureName, CAST(s.FlagBit AS INT) AS FlagBit, s.Threshold, s.RowsInStatistics, s.Median,
               s.MedianAbsoluteDeviation, s.MeanAbsoluteDeviation, s.UpperBound, s.RowsEvaluated, s.RowsFlagged
        FROM Integration.OutlierStatistic AS s
        WHERE s.LineageKey = @LineageKey
        ORDER BY s.TableName, s.FlagBit
        """;

    /// <summary>One line for a load summary: the rows flagged per measure and the bound used.</summary>
    /// <param name="statistics">A load's statistics.</param>
    public static string Describe(IReadOnlyList<Statistic> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Count == 0)
        {
            return "outliers: none evaluated";
        }

        var parts = statistics.Select(s => s.UpperBound is { } bound
            ? string.Create(CultureInfo.InvariantCulture, $"{s.MeasureName} {s.RowsFlagged:N0} (> {bound:0.##})")
            : string.Create(CultureInfo.InvariantCulture, $"{s.MeasureName} 0 (no spread)"));
        return string.Create(CultureInfo.InvariantCulture,
            $"outliers flagged (modified z > {statistics[0].Threshold:0.###} on log10(1 + |x|), rows kept) of {statistics[0].RowsEvaluated:N0}: {string.Join(", ", parts)}");
    }

    private static string Quote(string twoPartOrColumn) => string.Join('.', twoPartOrColumn.Split('.').Select(p => "\"" + p + "\""));

    private static double? AsDouble(object? value) => value is null or DBNull ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
