-- Publishes the memberships of a succeeded run (default: the latest of @ConfigurationName) into
-- Segmentation.CustomerSegment, type 2, in one transaction: a customer whose segment changed gets the current row
-- closed and a new one; a customer no longer clustered gets the current row closed; a customer in the same segment
-- keeps the row (run, distance and probability updated). Segments of the run get LastModelRunKey. Publishing the same
-- run again changes nothing. Reports.* views read the result.
CREATE PROCEDURE [Segmentation].[PublishRun]
    @ConfigurationName NVARCHAR(100),
    @ModelRunKey INT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @message NVARCHAR(2000);
    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @Now DATETIME2(7) = SYSUTCDATETIME();
    IF @ModelRunKey IS NULL
        SET @ModelRunKey = (SELECT MAX(r.[ModelRunKey]) FROM [Segmentation].[ModelRun] AS r
                            WHERE r.[ConfigurationName] = @ConfigurationName AND r.[Status] = N'succeeded');

    IF @ModelRunKey IS NULL OR NOT EXISTS (SELECT 1 FROM [Segmentation].[ModelRun] AS r
                                           WHERE r.[ModelRunKey] = @ModelRunKey AND r.[ConfigurationName] = @ConfigurationName AND r.[Status] = N'succeeded')
    BEGIN
        SET @message = CONCAT(N'Segmentation.PublishRun: no succeeded run ', COALESCE(CAST(@ModelRunKey AS NVARCHAR(20)), N''), N' of configuration ''', @ConfigurationName, N'''.');
        THROW 50060, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;

        SELECT a.[CustomerKey], s.[SegmentKey], a.[Distance], a.[Probability]
        INTO #Membership
        FROM [Segmentation].[ModelRunAssignment] AS a
        INNER JOIN [Segmentation].[ModelRunSegment] AS s ON s.[ModelRunKey] = a.[ModelRunKey] AND s.[ClusterIndex] = a.[ClusterIndex]
        WHERE a.[ModelRunKey] = @ModelRunKey;

        UPDATE cs
        SET [ModelRunKey] = @ModelRunKey, [Distance] = m.[Distance], [Probability] = m.[Probability]
        FROM [Segmentation].[CustomerSegment] AS cs
        INNER JOIN #Membership AS m ON m.[CustomerKey] = cs.[CustomerKey] AND m.[SegmentKey] = cs.[SegmentKey]
        WHERE cs.[ConfigurationName] = @ConfigurationName AND cs.[ValidTo] = @EndOfTime;

        UPDATE cs
        SET [ValidTo] = @Now
        FROM [Segmentation].[CustomerSegment] AS cs
        WHERE cs.[ConfigurationName] = @ConfigurationName AND cs.[ValidTo] = @EndOfTime
          AND NOT EXISTS (SELECT 1 FROM #Membership AS m WHERE m.[CustomerKey] = cs.[CustomerKey] AND m.[SegmentKey] = cs.[SegmentKey]);

        INSERT [Segmentation].[CustomerSegment] ([CustomerKey], [ConfigurationName], [ValidFrom], [ValidTo], [SegmentKey], [ModelRunKey], [Distance], [Probability])
        SELECT m.[CustomerKey], @ConfigurationName, @Now, @EndOfTime, m.[SegmentKey], @ModelRunKey, m.[Distance], m.[Probability]
        FROM #Membership AS m
        WHERE NOT EXISTS (SELECT 1 FROM [Segmentation].[CustomerSegment] AS cs
                          WHERE cs.[CustomerKey] = m.[CustomerKey] AND cs.[ConfigurationName] = @ConfigurationName AND cs.[ValidTo] = @EndOfTime);

        UPDATE sg
        SET [LastModelRunKey] = @ModelRunKey
        FROM [Segmentation].[Segment] AS sg
        WHERE sg.[SegmentKey] IN (SELECT s.[SegmentKey] FROM [Segmentation].[ModelRunSegment] AS s WHERE s.[ModelRunKey] = @ModelRunKey)
          AND sg.[LastModelRunKey] < @ModelRunKey;

        COMMIT;
    END TRY
    BEGIN CATCH
        IF XACT_STATE() <> 0
            ROLLBACK;
        SET @message = LEFT(ERROR_MESSAGE(), 2000);
        EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.PublishRun', @StepName = N'publish', @Status = N'failed',
            @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;
        THROW;
    END CATCH;

    SET @message = CONCAT(N'published ', (SELECT COUNT(*) FROM [Segmentation].[ModelRunAssignment] AS a WHERE a.[ModelRunKey] = @ModelRunKey), N' memberships');
    EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.PublishRun', @StepName = N'publish', @Status = N'succeeded',
        @ConfigurationName = @ConfigurationName, @ModelRunKey = @ModelRunKey, @Message = @message;

    RETURN 0;
END;
GO
