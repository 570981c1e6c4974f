-- Runs the segmentation configuration @ConfigurationName inside SQL Server:
--   1. checks the configuration (enabled, known algorithm, every feature a numeric column of Segmentation.CustomerFeature
--      listed in Segmentation.FeatureDefinition) and snapshots the features;
--   2. records the run in Segmentation.ModelRun (status running, host sqlclr);
--   3. calls the CLR procedure Segmentation.RunSegmentation (deployed by Warehouse.SqlClr.Deploy.sql) with INSERT … EXEC:
--      it reads the features through the context connection, scales, trains, and streams one row per customer back;
--      model, scaler, segment centroids and metrics come back as OUTPUT parameters;
--   4. stores model, assignments, metrics and the run's segments: the CLR matches each cluster to a segment of the
--      configuration's previous run by centroid distance in the new run's scaled space (greedy, nearest first, at most
--      1.0 apart: Warehouse.Segmentation.SegmentMatcher, the host's rule), so SegmentKey survives retraining and
--      ModelRunSegment.MatchDistance says how far the segment moved; an unmatched cluster becomes a new segment.
-- Optional overrides for one run (segment run --k/--features/--seed/--restarts on SQL Server): @K replaces the option k,
-- @Restarts the option nInit (other options kept in their order), @FeatureList the configured features (validated the
-- same way), @RandomSeed the seed; the run records what it used (ModelRun.Parameters, Features, Seed). An option the
-- algorithm does not take (k for dbscan, nInit for ward or som) is refused by the CLR procedure, naming it.
-- Publishing memberships is a separate step (Segmentation.PublishRun), so a quality gate can run in between.
-- Customers who refused profiling (Dimension.Customer.ConsentProfiling = 0) are not clustered.
-- On error the run is marked failed, the job log says why, and the error is raised again.
-- EXECUTE AS OWNER: the CLR procedure reads the features through the context connection, where ownership chaining
-- does not apply; running as the owner lets members of SegmentationOperator (EXECUTE on Segmentation only) run it
-- without SELECT on the feature and customer tables. The query it sends is built from validated column names only.
CREATE PROCEDURE [Segmentation].[RunConfiguration]
    @ConfigurationName NVARCHAR(100),
    @ModelRunKey INT = NULL OUTPUT,
    @K INT = NULL,
    @FeatureList NVARCHAR(1000) = NULL,
    @RandomSeed INT = NULL,
    @Restarts INT = NULL
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @message NVARCHAR(2000);
    DECLARE @Algorithm NVARCHAR(32), @Options NVARCHAR(4000), @Features NVARCHAR(1000), @ScalingMethod NVARCHAR(20), @Seed INT, @IsEnabled BIT;
    SELECT @Algorithm = c.[Algorithm], @Options = c.[Options], @Features = c.[Features], @ScalingMethod = c.[ScalingMethod],
           @Seed = c.[Seed], @IsEnabled = c.[IsEnabled]
    FROM [Segmentation].[Configuration] AS c
    WHERE c.[ConfigurationName] = @ConfigurationName;

    IF @Algorithm IS NULL
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: configuration ''', @ConfigurationName, N''' does not exist in Segmentation.Configuration.');
        THROW 50041, @message, 1;
    END;

    IF @IsEnabled = 0
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: configuration ''', @ConfigurationName, N''' is disabled (IsEnabled = 0).');
        THROW 50042, @message, 1;
    END;

    IF @K IS NOT NULL AND (@K < 1 OR @K > 1000)
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: @K = ', @K, N' is outside 1..1000.');
        THROW 50046, @message, 1;
    END;

    IF @Restarts IS NOT NULL AND (@Restarts < 1 OR @Restarts > 1000)
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: @Restarts = ', @Restarts, N' is outside 1..1000.');
        THROW 50047, @message, 1;
    END;

    IF @FeatureList IS NOT NULL
        SET @Features = @FeatureList;
    IF @RandomSeed IS NOT NULL
        SET @Seed = @RandomSeed;

    -- k and nInit overridden: the configured pairs without them, in their order, then the overrides.
    IF @K IS NOT NULL OR @Restarts IS NOT NULL
    BEGIN
        DECLARE @Option TABLE ([Ordinal] INT NOT NULL PRIMARY KEY, [Pair] NVARCHAR(4000) NOT NULL);
        DECLARE @pairs NVARCHAR(4000) = @Options + N';', @pair NVARCHAR(4000), @pairName NVARCHAR(4000), @pairOrdinal INT = 0, @cut INT;
        WHILE LEN(@pairs) > 0
        BEGIN
            SET @cut = CHARINDEX(N';', @pairs);
            SET @pair = LTRIM(RTRIM(LEFT(@pairs, @cut - 1)));
            SET @pairs = SUBSTRING(@pairs, @cut + 1, 4000);
            SET @pairName = LOWER(LTRIM(RTRIM(CASE WHEN CHARINDEX(N'=', @pair) > 0 THEN LEFT(@pair, CHARINDEX(N'=', @pair) - 1) ELSE @pair END)));
            IF @pair <> N'' AND NOT (@pairName = N'k' AND @K IS NOT NULL) AND NOT (@pairName = N'ninit' AND @Restarts IS NOT NULL)
            BEGIN
                INSERT @Option ([Ordinal], [Pair]) VALUES (@pairOrdinal, @pair);
                SET @pairOrdinal += 1;
            END;
        END;

        IF @K IS NOT NULL
            INSERT @Option ([Ordinal], [Pair]) VALUES (@pairOrdinal, CONCAT(N'k=', @K));
        IF @Restarts IS NOT NULL
            INSERT @Option ([Ordinal], [Pair]) VALUES (@pairOrdinal + 1, CONCAT(N'nInit=', @Restarts));
        SET @Options = (SELECT STRING_AGG(o.[Pair], N';') WITHIN GROUP (ORDER BY o.[Ordinal]) FROM @Option AS o);
    END;

    -- Feature names in their configured order (STRING_SPLIT gives no order guarantee before SQL Server 2022).
    DECLARE @Feature TABLE ([Ordinal] INT NOT NULL PRIMARY KEY, [FeatureName] NVARCHAR(64) NOT NULL);
    DECLARE @rest NVARCHAR(1000) = @Features + N',', @position INT, @ordinal INT = 0, @name NVARCHAR(64);
    WHILE LEN(@rest) > 0
    BEGIN
        SET @position = CHARINDEX(N',', @rest);
        SET @name = LTRIM(RTRIM(LEFT(@rest, @position - 1)));
        SET @rest = SUBSTRING(@rest, @position + 1, 1000);
        IF @name <> N''
        BEGIN
            INSERT @Feature ([Ordinal], [FeatureName]) VALUES (@ordinal, @name);
            SET @ordinal += 1;
        END;
    END;

    SELECT TOP (1) @name = f.[FeatureName]
    FROM @Feature AS f
    WHERE NOT EXISTS (SELECT 1 FROM [Segmentation].[FeatureDefinition] AS d WHERE d.[FeatureName] = f.[FeatureName])
       OR COL_LENGTH(N'[Segmentation].[CustomerFeature]', f.[FeatureName]) IS NULL
       OR f.[FeatureName] IN (N'CustomerKey', N'AsOfDateKey');
    IF @@ROWCOUNT > 0
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: feature ''', @name, N''' of configuration ''', @ConfigurationName,
                              N''' is not a feature column of Segmentation.CustomerFeature listed in Segmentation.FeatureDefinition.');
        THROW 50043, @message, 1;
    END;

    IF @ordinal = 0
    BEGIN
        SET @message = CONCAT(N'Segmentation.RunConfiguration: configuration ''', @ConfigurationName, N''' lists no features.');
        THROW 50044, @message, 1;
    END;

    -- PerFeature: one method per feature from Segmentation.FeatureDefinition, in the configured order.
    DECLARE @Scaling NVARCHAR(400) = @ScalingMethod;
    IF @ScalingMethod = N'PerFeature'
    BEGIN
        SELECT @Scaling = STRING_AGG(d.[ScalingMethod], N',') WITHIN GROUP (ORDER BY f.[Ordinal])
        FROM @Feature AS f
        INNER JOIN [Segmentation].[FeatureDefinition] AS d ON d.[FeatureName] = f.[FeatureName];
    END;

    DECLARE @AsOfDateKey INT;
    EXEC [Segmentation].[SnapshotCustomerFeatures] @AsOfDateKey = @AsOfDateKey OUTPUT;

    -- The feature query is built from validated column names only (QUOTENAME); the as-of date is a parameter.
    DECLARE @FeatureQuery NVARCHAR(MAX);
    SELECT @FeatureQuery = N'SELECT f.[CustomerKey], ' + STRING_AGG(CAST(N'CAST(f.' + QUOTENAME(f.[FeatureName]) + N' AS FLOAT) AS ' + QUOTENAME(f.[FeatureName]) AS NVARCHAR(MAX)), N', ')
        WITHIN GROUP (ORDER BY f.[Ordinal])
    FROM @Feature AS f;
    SET @FeatureQuery += N' FROM [Segmentation].[CustomerFeature] AS f WHERE f.[AsOfDateKey] = @AsOfDateKey'
        + N' AND NOT EXISTS (SELECT 1 FROM [Dimension].[Customer] AS c WHERE c.[CustomerKey] = f.[CustomerKey]'
        + N' AND c.[ValidTo] = ''9999-12-31'' AND c.[ConsentProfiling] = 0) ORDER BY f.[CustomerKey]';

    SET @ModelRunKey = NEXT VALUE FOR [Sequences].[ModelRunKey];
    INSERT [Segmentation].[ModelRun]
        ([ModelRunKey], [ConfigurationName], [Algorithm], [Parameters], [Features], [ScalingMethod], [Seed], [NumberOfSegments],
         [NumberOfCustomers], [AsOfDateKey], [ConsentBasis], [Host], [StartedAt], [Status])
    VALUES
        (@ModelRunKey, @ConfigurationName, @Algorithm, @Options, @Features, @ScalingMethod, @Seed, 0,
         0, @AsOfDateKey, N'profiling consent not refused', N'sqlclr', SYSUTCDATETIME(), N'running');
    EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.RunConfiguration', @StepName = N'segmentation', @Status = N'started',
        @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey;

    BEGIN TRY
        CREATE TABLE #Assignment (
            [CustomerKey] INT NOT NULL PRIMARY KEY,
            [ClusterIndex] INT NOT NULL,
            [Distance] FLOAT NULL,
            [Probability] FLOAT NULL);

        DECLARE @ModelBytes VARBINARY(MAX), @ScalerBytes VARBINARY(MAX), @ModelFormat NVARCHAR(32), @FormatVersion INT,
                @Segments NVARCHAR(MAX), @Metrics NVARCHAR(MAX), @Inertia FLOAT, @Silhouette FLOAT, @DaviesBouldin FLOAT,
                @CalinskiHarabasz FLOAT;

        -- Called by name: the CLR objects are deployed by their own script, after the dacpac.
        DECLARE @clrProcedure NVARCHAR(256) = N'[Segmentation].[RunSegmentation]';
        IF OBJECT_ID(@clrProcedure, N'PC') IS NULL
            THROW 50045, N'Segmentation.RunConfiguration: the CLR procedure Segmentation.RunSegmentation is not deployed; run Warehouse.SqlClr.Deploy.sql.', 1;

        -- The segments of the configuration's previous successful run (centroids in original units), so the CLR keeps
        -- segment identity across retrains by the host's rule (Warehouse.Segmentation.SegmentMatcher):
        -- segmentKey:feature=value;…|…
        DECLARE @PreviousRunKey INT = (
            SELECT MAX(r.[ModelRunKey]) FROM [Segmentation].[ModelRun] AS r
            WHERE r.[ConfigurationName] = @ConfigurationName AND r.[Status] = N'succeeded' AND r.[ModelRunKey] <> @ModelRunKey);
        DECLARE @PreviousSegments NVARCHAR(MAX) = (
            SELECT STRING_AGG(CAST(CONCAT(rs.[SegmentKey], N':', p.[Pairs]) AS NVARCHAR(MAX)), N'|') WITHIN GROUP (ORDER BY rs.[ClusterIndex])
            FROM [Segmentation].[ModelRunSegment] AS rs
            OUTER APPLY (
                SELECT STRING_AGG(CAST(CONCAT(j.[key], N'=', j.[value]) AS NVARCHAR(MAX)), N';') AS [Pairs]
                FROM OPENJSON(rs.[Centroid]) AS j) AS p
            WHERE rs.[ModelRunKey] = @PreviousRunKey);

        INSERT #Assignment ([CustomerKey], [ClusterIndex], [Distance], [Probability])
        EXEC @clrProcedure
            @FeatureQuery = @FeatureQuery,
            @AsOfDateKey = @AsOfDateKey,
            @Algorithm = @Algorithm,
            @Options = @Options,
            @ScalingMethod = @Scaling,
            @Seed = @Seed,
            @PreviousSegments = @PreviousSegments,
            @ModelBytes = @ModelBytes OUTPUT,
            @ScalerBytes = @ScalerBytes OUTPUT,
            @ModelFormat = @ModelFormat OUTPUT,
            @FormatVersion = @FormatVersion OUTPUT,
            @Segments = @Segments OUTPUT,
            @Metrics = @Metrics OUTPUT,
            @Inertia = @Inertia OUTPUT,
            @Silhouette = @Silhouette OUTPUT,
            @DaviesBouldin = @DaviesBouldin OUTPUT,
            @CalinskiHarabasz = @CalinskiHarabasz OUTPUT;

        DECLARE @Customers INT = (SELECT COUNT(*) FROM #Assignment);
        IF @Customers = 0
            THROW 50046, N'Segmentation.RunConfiguration: the clustering returned no customers.', 1;

        BEGIN TRANSACTION;

        INSERT [Segmentation].[Model] ([ModelRunKey], [ModelFormat], [FormatVersion], [ModelBytes], [ScalerBytes])
        VALUES (@ModelRunKey, @ModelFormat, @FormatVersion, @ModelBytes, @ScalerBytes);

        INSERT [Segmentation].[ModelRunAssignment] ([ModelRunKey], [CustomerKey], [ClusterIndex], [Distance], [Probability])
        SELECT @ModelRunKey, a.[CustomerKey], a.[ClusterIndex], a.[Distance], a.[Probability]
        FROM #Assignment AS a;

        -- Clusters of this run with their centroid (original units) from the CLR, sizes from the assignments.
        SELECT a.[ClusterIndex], COUNT(*) AS [CustomerCount], CAST(COUNT(*) AS FLOAT) / @Customers AS [Share],
               CAST(NULL AS NVARCHAR(MAX)) AS [Centroid], CAST(NULL AS INT) AS [SegmentKey], CAST(NULL AS FLOAT) AS [MatchDistance]
        INTO #Cluster
        FROM #Assignment AS a
        GROUP BY a.[ClusterIndex];

        -- Centroid (original units) and the previous segment each cluster continues, with the centroid distance in this
        -- run's scaled space, from the CLR (the host's matching rule; unmatched clusters become new segments below).
        UPDATE c
        SET [Centroid] = j.[Centroid],
            [SegmentKey] = s.[SegmentKey],
            [MatchDistance] = CASE WHEN s.[SegmentKey] IS NULL THEN NULL ELSE j.[MatchDistance] END
        FROM #Cluster AS c
        INNER JOIN OPENJSON(@Segments) WITH ([ClusterIndex] INT N'$.cluster', [Centroid] NVARCHAR(MAX) N'$.centroid' AS JSON,
                                             [SegmentKey] INT N'$.segmentKey', [MatchDistance] FLOAT N'$.matchDistance') AS j
            ON j.[ClusterIndex] = c.[ClusterIndex]
        LEFT OUTER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = j.[SegmentKey] AND s.[ConfigurationName] = @ConfigurationName;

        DECLARE @cluster INT, @segment INT;

        -- New segments get a name from their RFM profile relative to the run's customers (renamed segments keep theirs).
        DECLARE @MeanRecency FLOAT, @MeanMonetary FLOAT;
        SELECT @MeanRecency = AVG(CAST(f.[RecencyDays] AS FLOAT)), @MeanMonetary = AVG(CAST(f.[MonetaryValue] AS FLOAT))
        FROM [Segmentation].[CustomerFeature] AS f
        INNER JOIN #Assignment AS a ON a.[CustomerKey] = f.[CustomerKey]
        WHERE f.[AsOfDateKey] = @AsOfDateKey;

        SELECT c.[ClusterIndex],
               CASE WHEN c.[ClusterIndex] = -1 THEN N'Unclustered (noise)'
                    ELSE CONCAT(
                        CASE WHEN p.[Monetary] >= @MeanMonetary THEN N'Higher value' ELSE N'Lower value' END,
                        CASE WHEN p.[Recency] <= @MeanRecency THEN N', recent' ELSE N', lapsing' END,
                        N' (', c.[ClusterIndex] + 1, N')') END AS [GeneratedName]
        INTO #Name
        FROM #Cluster AS c
        CROSS APPLY (
            SELECT AVG(CAST(f.[RecencyDays] AS FLOAT)) AS [Recency], AVG(CAST(f.[MonetaryValue] AS FLOAT)) AS [Monetary]
            FROM #Assignment AS a
            INNER JOIN [Segmentation].[CustomerFeature] AS f ON f.[CustomerKey] = a.[CustomerKey] AND f.[AsOfDateKey] = @AsOfDateKey
            WHERE a.[ClusterIndex] = c.[ClusterIndex]) AS p;

        WHILE EXISTS (SELECT 1 FROM #Cluster WHERE [SegmentKey] IS NULL)
        BEGIN
            SELECT TOP (1) @cluster = c.[ClusterIndex] FROM #Cluster AS c WHERE c.[SegmentKey] IS NULL ORDER BY c.[ClusterIndex];
            SET @segment = NEXT VALUE FOR [Sequences].[SegmentKey];
            INSERT [Segmentation].[Segment] ([SegmentKey], [ConfigurationName], [SegmentName], [GeneratedName], [IsRenamed], [Description], [FirstModelRunKey], [LastModelRunKey])
            SELECT @segment, @ConfigurationName, n.[GeneratedName], n.[GeneratedName], 0, NULL, @ModelRunKey, @ModelRunKey
            FROM #Name AS n
            WHERE n.[ClusterIndex] = @cluster;
            UPDATE #Cluster SET [SegmentKey] = @segment WHERE [ClusterIndex] = @cluster;
        END;

        UPDATE s
        SET [GeneratedName] = n.[GeneratedName],
            [SegmentName] = CASE WHEN s.[IsRenamed] = 1 THEN s.[SegmentName] ELSE n.[GeneratedName] END
        FROM [Segmentation].[Segment] AS s
        INNER JOIN #Cluster AS c ON c.[SegmentKey] = s.[SegmentKey]
        INNER JOIN #Name AS n ON n.[ClusterIndex] = c.[ClusterIndex];

        INSERT [Segmentation].[ModelRunSegment] ([ModelRunKey], [ClusterIndex], [SegmentKey], [CustomerCount], [Share], [Centroid], [MatchDistance])
        SELECT @ModelRunKey, c.[ClusterIndex], c.[SegmentKey], c.[CustomerCount], c.[Share], c.[Centroid], c.[MatchDistance]
        FROM #Cluster AS c;

        UPDATE [Segmentation].[ModelRun]
        SET [NumberOfSegments] = (SELECT COUNT(*) FROM #Cluster WHERE [ClusterIndex] >= 0),
            [NumberOfCustomers] = @Customers,
            [DataWindowStartDateKey] = (SELECT MIN(p.[DateKey]) FROM [Fact].[Purchase] AS p WHERE p.[DateKey] > 0),
            [DataWindowEndDateKey] = (SELECT MAX(p.[DateKey]) FROM [Fact].[Purchase] AS p WHERE p.[DateKey] < @AsOfDateKey),
            [Inertia] = @Inertia,
            [Silhouette] = @Silhouette,
            [DaviesBouldin] = @DaviesBouldin,
            [CalinskiHarabasz] = @CalinskiHarabasz,
            [Metrics] = @Metrics,
            [CompletedAt] = SYSUTCDATETIME(),
            [Status] = N'succeeded'
        WHERE [ModelRunKey] = @ModelRunKey;

        COMMIT;

        SET @message = CONCAT(N'customers ', @Customers, N', silhouette ', @Silhouette, N', Davies-Bouldin ', @DaviesBouldin);
        EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.RunConfiguration', @StepName = N'segmentation', @Status = N'succeeded',
            @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;
    END TRY
    BEGIN CATCH
        IF XACT_STATE() <> 0
            ROLLBACK;
        SET @message = LEFT(ERROR_MESSAGE(), 2000);
        UPDATE [Segmentation].[ModelRun] SET [Status] = N'failed', [CompletedAt] = SYSUTCDATETIME() WHERE [ModelRunKey] = @ModelRunKey;
        EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.RunConfiguration', @StepName = N'segmentation', @Status = N'failed',
            @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;
        THROW;
    END CATCH;

    RETURN 0;
END;
GO
