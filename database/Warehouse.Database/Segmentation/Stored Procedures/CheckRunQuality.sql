-- Quality gate of a run (default: the latest succeeded run of @ConfigurationName): compares its metrics with the
-- thresholds of Segmentation.Configuration (MinimumSilhouette, MaximumDaviesBouldin, MinimumSegmentShare; NULL skips
-- a check). Logs the outcome in Application.JobLog and raises error 50050 naming every failed check, so the SQL
-- Agent step (and the job) fails and the run is not published.
CREATE PROCEDURE [Segmentation].[CheckRunQuality]
    @ConfigurationName NVARCHAR(100),
    @ModelRunKey INT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @message NVARCHAR(2000);
    IF @ModelRunKey IS NULL
        SET @ModelRunKey = (SELECT MAX(r.[ModelRunKey]) FROM [Segmentation].[ModelRun] AS r
                            WHERE r.[ConfigurationName] = @ConfigurationName AND r.[Status] = N'succeeded');

    IF @ModelRunKey IS NULL OR NOT EXISTS (SELECT 1 FROM [Segmentation].[ModelRun] AS r
                                           WHERE r.[ModelRunKey] = @ModelRunKey AND r.[ConfigurationName] = @ConfigurationName AND r.[Status] = N'succeeded')
    BEGIN
        SET @message = CONCAT(N'Segmentation.CheckRunQuality: no succeeded run ', COALESCE(CAST(@ModelRunKey AS NVARCHAR(20)), N''), N' of configuration ''', @ConfigurationName, N'''.');
        EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.CheckRunQuality', @StepName = N'quality-gate', @Status = N'failed',
            @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;
        THROW 50051, @message, 1;
    END;

    DECLARE @Silhouette FLOAT, @DaviesBouldin FLOAT, @MinimumShare FLOAT,
            @MinimumSilhouette FLOAT, @MaximumDaviesBouldin FLOAT, @MinimumSegmentShare FLOAT;
    SELECT @Silhouette = r.[Silhouette], @DaviesBouldin = r.[DaviesBouldin],
           @MinimumSilhouette = c.[MinimumSilhouette], @MaximumDaviesBouldin = c.[MaximumDaviesBouldin], @MinimumSegmentShare = c.[MinimumSegmentShare]
    FROM [Segmentation].[ModelRun] AS r
    INNER JOIN [Segmentation].[Configuration] AS c ON c.[ConfigurationName] = r.[ConfigurationName]
    WHERE r.[ModelRunKey] = @ModelRunKey;
    SET @MinimumShare = (SELECT MIN(s.[Share]) FROM [Segmentation].[ModelRunSegment] AS s WHERE s.[ModelRunKey] = @ModelRunKey AND s.[ClusterIndex] >= 0);

    DECLARE @failures NVARCHAR(2000) = N'';
    IF @MinimumSilhouette IS NOT NULL AND (@Silhouette IS NULL OR @Silhouette < @MinimumSilhouette)
        SET @failures += CONCAT(N'silhouette ', COALESCE(CONVERT(NVARCHAR(30), @Silhouette, 3), N'missing'), N' < minimum ', CONVERT(NVARCHAR(30), @MinimumSilhouette, 3), N'; ');
    IF @MaximumDaviesBouldin IS NOT NULL AND (@DaviesBouldin IS NULL OR @DaviesBouldin > @MaximumDaviesBouldin)
        SET @failures += CONCAT(N'Davies-Bouldin ', COALESCE(CONVERT(NVARCHAR(30), @DaviesBouldin, 3), N'missing'), N' > maximum ', CONVERT(NVARCHAR(30), @MaximumDaviesBouldin, 3), N'; ');
    IF @MinimumSegmentShare IS NOT NULL AND (@MinimumShare IS NULL OR @MinimumShare < @MinimumSegmentShare)
        SET @failures += CONCAT(N'smallest segment share ', COALESCE(CONVERT(NVARCHAR(30), @MinimumShare, 3), N'missing'), N' < minimum ', CONVERT(NVARCHAR(30), @MinimumSegmentShare, 3), N'; ');

    IF @failures <> N''
    BEGIN
        SET @message = CONCAT(N'Quality gate failed for run ', @ModelRunKey, N' of ''', @ConfigurationName, N''': ', @failures);
        EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.CheckRunQuality', @StepName = N'quality-gate', @Status = N'failed',
            @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;
        THROW 50050, @message, 1;
    END;

    SET @message = CONCAT(N'silhouette ', CONVERT(NVARCHAR(30), @Silhouette, 3), N', Davies-Bouldin ', CONVERT(NVARCHAR(30), @DaviesBouldin, 3),
                          N', smallest segment share ', CONVERT(NVARCHAR(30), @MinimumShare, 3));
    EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.CheckRunQuality', @StepName = N'quality-gate', @Status = N'succeeded',
        @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;

    RETURN 0;
END;
GO
