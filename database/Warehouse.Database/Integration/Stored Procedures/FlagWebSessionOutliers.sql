-- Flags the unusual web sessions of one load, never drops them: the last step of Integration.MigrateStagedWebSessionData,
-- run inside its transaction after the facts are written; the rule of the host's OutlierFlagging
-- (src/Warehouse.Data/Loading/OutlierFlagging.cs), so both engines flag the same rows:
--   per measure, DurationSeconds (bit 1), PageViews (bit 2), the modified z-score of Iglewicz and Hoaglin on y = log10(1 + |value|),
--   M = 0.6745 (y - median) / MAD, over every row of Fact.WebSession after the load (this load's included); a row of the
--   load with M above the threshold (Application.Setting Outliers.Threshold, else 3.5) gets the measure's bit in
--   OutlierFlags. Only the upper side is flagged. MAD = 0: the scale is 1.253314 times the mean absolute deviation; that
--   0 too: nothing is flagged (UpperBound NULL).
-- The statistics, threshold and bound (in the measure's units: |value| > UpperBound is flagged) are recorded per measure in
-- Integration.OutlierStatistic. The SELECT ... INTO statements are written in the SQL both engines accept (PERCENTILE_CONT
-- ... OVER is DuckDB's quantile_cont ... OVER) and run on DuckDB in the parity tests.
CREATE PROCEDURE [Integration].[FlagWebSessionOutliers]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @ThresholdText NVARCHAR(400) = (SELECT s.[SettingValue] FROM [Application].[Setting] AS s WHERE s.[SettingName] = N'Outliers.Threshold');
    DECLARE @Threshold FLOAT = COALESCE(TRY_CAST(@ThresholdText AS FLOAT), 3.5);
    IF @ThresholdText IS NOT NULL AND (TRY_CAST(@ThresholdText AS FLOAT) IS NULL OR @Threshold <= 0)
    BEGIN
        DECLARE @message NVARCHAR(600) = CONCAT(N'Application.Setting Outliers.Threshold = ''', @ThresholdText, N''' is not a number > 0 (a modified z-score, e.g. 3.5).');
        THROW 50120, @message, 1;
    END;

    -- Pass 1: the median of each measure on the log scale over every stored row.
    SELECT DISTINCT v.[MeasureName],
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v.[Value]) OVER (PARTITION BY v.[MeasureName]) AS [Median],
           SUM(CAST(1 AS BIGINT)) OVER (PARTITION BY v.[MeasureName]) AS [RowsInStatistics]
    INTO #Center
    FROM (
          SELECT N'DurationSeconds' AS [MeasureName], LOG10(1.0 + ABS(f.[DurationSeconds])) AS [Value] FROM [Fact].[WebSession] AS f
          UNION ALL
          SELECT N'PageViews', LOG10(1.0 + ABS(f.[PageViews])) FROM [Fact].[WebSession] AS f
    ) AS v;

    -- Pass 2: the median and mean of the absolute deviations from it.
    SELECT DISTINCT v.[MeasureName],
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(v.[Value] - c.[Median])) OVER (PARTITION BY v.[MeasureName]) AS [MedianAbsoluteDeviation],
           AVG(ABS(v.[Value] - c.[Median])) OVER (PARTITION BY v.[MeasureName]) AS [MeanAbsoluteDeviation]
    INTO #Spread
    FROM (
          SELECT N'DurationSeconds' AS [MeasureName], LOG10(1.0 + ABS(f.[DurationSeconds])) AS [Value] FROM [Fact].[WebSession] AS f
          UNION ALL
          SELECT N'PageViews', LOG10(1.0 + ABS(f.[PageViews])) FROM [Fact].[WebSession] AS f
    ) AS v
    INNER JOIN #Center AS c ON c.[MeasureName] = v.[MeasureName];

    -- The bound in the measure's units: 10^(median + threshold * scale) - 1 (1e1: a float, so POWER returns one).
    SELECT m.[MeasureName], m.[FlagBit], CAST(COALESCE(c.[RowsInStatistics], 0) AS BIGINT) AS [RowsInStatistics], c.[Median],
           s.[MedianAbsoluteDeviation], s.[MeanAbsoluteDeviation],
           CASE WHEN s.[MedianAbsoluteDeviation] > 0 THEN POWER(1e1, c.[Median] + @Threshold * s.[MedianAbsoluteDeviation] / 0.6745) - 1
                WHEN s.[MeanAbsoluteDeviation] > 0 THEN POWER(1e1, c.[Median] + @Threshold * 1.253314 * s.[MeanAbsoluteDeviation]) - 1
           END AS [UpperBound]
    INTO #Bound
    FROM (VALUES (N'DurationSeconds', 1), (N'PageViews', 2)) AS m ([MeasureName], [FlagBit])
    LEFT OUTER JOIN #Center AS c ON c.[MeasureName] = m.[MeasureName]
    LEFT OUTER JOIN #Spread AS s ON s.[MeasureName] = m.[MeasureName];

    -- The load's rows whose flags change: newly unusual, or flagged before by a row this load replaced.
    SELECT f.[WebSessionKey],
           CAST(CASE WHEN ABS(f.[DurationSeconds]) > b0.[UpperBound] THEN 1 ELSE 0 END
             + CASE WHEN ABS(f.[PageViews]) > b1.[UpperBound] THEN 2 ELSE 0 END AS TINYINT) AS [OutlierFlags]
    INTO #Flag
    FROM [Fact].[WebSession] AS f
    CROSS JOIN #Bound AS b0
    CROSS JOIN #Bound AS b1
    WHERE f.[LineageKey] = @LineageKey
      AND b0.[MeasureName] = N'DurationSeconds'
      AND b1.[MeasureName] = N'PageViews'
      AND (f.[OutlierFlags] <> 0 OR ABS(f.[DurationSeconds]) > b0.[UpperBound] OR ABS(f.[PageViews]) > b1.[UpperBound]);

    UPDATE f
    SET f.[OutlierFlags] = x.[OutlierFlags]
    FROM [Fact].[WebSession] AS f
    INNER JOIN #Flag AS x ON x.[WebSessionKey] = f.[WebSessionKey];

    DECLARE @RowsEvaluated BIGINT = (SELECT COUNT_BIG(*) FROM [Fact].[WebSession] AS f WHERE f.[LineageKey] = @LineageKey);
    DELETE FROM [Integration].[OutlierStatistic] WHERE [LineageKey] = @LineageKey AND [TableName] = N'Fact.WebSession';
    INSERT [Integration].[OutlierStatistic] ([LineageKey], [TableName], [MeasureName], [FlagBit], [Threshold], [RowsInStatistics], [Median],
        [MedianAbsoluteDeviation], [MeanAbsoluteDeviation], [UpperBound], [RowsEvaluated], [RowsFlagged])
    SELECT @LineageKey, N'Fact.WebSession', b.[MeasureName], b.[FlagBit], @Threshold, b.[RowsInStatistics], b.[Median],
           b.[MedianAbsoluteDeviation], b.[MeanAbsoluteDeviation], b.[UpperBound], @RowsEvaluated,
           (SELECT COUNT_BIG(*) FROM #Flag AS x WHERE (x.[OutlierFlags] & b.[FlagBit]) <> 0)
    FROM #Bound AS b;

    RETURN 0;
END;
GO
