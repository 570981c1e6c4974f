/*
    SQL Agent job of the warehouse segmentation: ETL (the host, CmdExec) → segmentation (CLR, in the database) →
    quality gate → publish. Run this script with sysadmin (or SQLAgentOperatorRole + db_owner) rights, in any database,
    after Warehouse.dacpac and Warehouse.SqlClr.Deploy.sql. Safe to run again: it checks msdb and SQL Agent first and
    recreates the job (and only this job) with the parameters below.

    The quality gate runs before publishing, so a run whose metrics miss the thresholds fails the job and its
    segments are never shown to report users; the last good memberships stay published.

    Every step appends to an output file in @OutputFileDirectory and the database steps also log to
    Application.JobLog in the warehouse database:
        SELECT TOP (50) * FROM Application.JobLog ORDER BY JobLogKey DESC;
*/
SET NOCOUNT ON;
SET XACT_ABORT ON;

------------------------------------------------------------------------------------------------------------------------
-- Parameters
------------------------------------------------------------------------------------------------------------------------
DECLARE @DatabaseName SYSNAME = N'Warehouse';                      -- database Warehouse.dacpac was published to
DECLARE @JobName SYSNAME = N'Warehouse - Customer segmentation';
DECLARE @JobOwner SYSNAME = N'sa';                                 -- login owning the job
DECLARE @ConfigurationName NVARCHAR(100) = N'default';             -- row of Segmentation.Configuration to run
-- CmdExec command of the ETL step: the host with --connection; NULL leaves the ETL step out (data loaded elsewhere).
DECLARE @EtlCommand NVARCHAR(4000) = N'warehouse load transactions --file "<incoming folder>\online_retail.csv" --connection "Server=<server>;Database=Warehouse;Integrated Security=true;Encrypt=true"';
DECLARE @EtlProxyName SYSNAME = NULL;                              -- SQL Agent proxy for CmdExec (NULL: Agent service account)
-- Schedule: daily at @ScheduleTime (hhmmss), from @ScheduleStartDate (yyyymmdd).
DECLARE @ScheduleTime INT = 20000;                                 -- 02:00:00
DECLARE @ScheduleStartDate INT = 20260101;
-- Operator e-mailed when the job fails (NULL: no notification). Database Mail must be configured for e-mail.
DECLARE @OperatorName SYSNAME = N'Warehouse DBA';
DECLARE @OperatorEmail NVARCHAR(100) = NULL;
-- Quality thresholds written to Segmentation.Configuration (NULL keeps the configured value).
DECLARE @MinimumSilhouette FLOAT = 0.25;
DECLARE @MaximumDaviesBouldin FLOAT = 1.5;
DECLARE @MinimumSegmentShare FLOAT = 0.01;
-- Folder of the step output files (NULL: the folder of the SQL Server error log).
DECLARE @OutputFileDirectory NVARCHAR(400) = NULL;

------------------------------------------------------------------------------------------------------------------------
-- Checks
------------------------------------------------------------------------------------------------------------------------
DECLARE @message NVARCHAR(2000);

IF DB_ID(N'msdb') IS NULL
    THROW 50100, N'msdb does not exist on this server: SQL Agent jobs cannot be created.', 1;

IF CAST(SERVERPROPERTY('EngineEdition') AS INT) NOT IN (2, 3, 8)
    THROW 50101, N'SQL Agent is not available in this edition (Express, Azure SQL Database): schedule "warehouse segment run" with another scheduler.', 1;

IF OBJECT_ID(N'msdb.dbo.sysjobs') IS NULL OR OBJECT_ID(N'msdb.dbo.sp_add_job') IS NULL
    THROW 50102, N'msdb lacks the SQL Agent tables and procedures.', 1;

IF DB_ID(@DatabaseName) IS NULL
BEGIN
    SET @message = CONCAT(N'Database ', QUOTENAME(@DatabaseName), N' does not exist: publish Warehouse.dacpac first or correct @DatabaseName.');
    THROW 50103, @message, 1;
END;

IF OBJECT_ID(QUOTENAME(@DatabaseName) + N'.[Segmentation].[RunConfiguration]') IS NULL
BEGIN
    SET @message = CONCAT(N'Database ', QUOTENAME(@DatabaseName), N' has no Segmentation.RunConfiguration: publish Warehouse.dacpac first.');
    THROW 50104, @message, 1;
END;

IF OBJECT_ID(QUOTENAME(@DatabaseName) + N'.[Segmentation].[RunSegmentation]') IS NULL
BEGIN
    SET @message = CONCAT(N'Database ', QUOTENAME(@DatabaseName), N' has no CLR procedure Segmentation.RunSegmentation: run Warehouse.SqlClr.Deploy.sql first.');
    THROW 50105, @message, 1;
END;

IF @EtlCommand LIKE N'%<%>%'
    THROW 50106, N'Set @EtlCommand to the real command line of the ETL host (or NULL to leave the ETL step out).', 1;

IF SUSER_ID(@JobOwner) IS NULL
BEGIN
    SET @message = CONCAT(N'Login ', QUOTENAME(@JobOwner), N' (@JobOwner) does not exist.');
    THROW 50107, @message, 1;
END;

-- The configuration must exist; thresholds are written through a parameterized statement in the target database.
DECLARE @configurationSql NVARCHAR(MAX) = N'
    IF NOT EXISTS (SELECT 1 FROM [Segmentation].[Configuration] WHERE [ConfigurationName] = @ConfigurationName)
    BEGIN
        DECLARE @m NVARCHAR(400) = CONCAT(N''Segmentation.Configuration has no row '''''', @ConfigurationName, N''''''.'');
        THROW 50108, @m, 1;
    END;
    UPDATE [Segmentation].[Configuration]
    SET [MinimumSilhouette] = COALESCE(@MinimumSilhouette, [MinimumSilhouette]),
        [MaximumDaviesBouldin] = COALESCE(@MaximumDaviesBouldin, [MaximumDaviesBouldin]),
        [MinimumSegmentShare] = COALESCE(@MinimumSegmentShare, [MinimumSegmentShare]),
        [ModifiedAt] = SYSUTCDATETIME()
    WHERE [ConfigurationName] = @ConfigurationName;';
DECLARE @executeInDatabase NVARCHAR(400) = QUOTENAME(@DatabaseName) + N'.sys.sp_executesql';
EXEC @executeInDatabase @configurationSql,
    N'@ConfigurationName NVARCHAR(100), @MinimumSilhouette FLOAT, @MaximumDaviesBouldin FLOAT, @MinimumSegmentShare FLOAT',
    @ConfigurationName = @ConfigurationName, @MinimumSilhouette = @MinimumSilhouette,
    @MaximumDaviesBouldin = @MaximumDaviesBouldin, @MinimumSegmentShare = @MinimumSegmentShare;

IF @OutputFileDirectory IS NULL
BEGIN
    DECLARE @errorLog NVARCHAR(400) = CAST(SERVERPROPERTY('ErrorLogFileName') AS NVARCHAR(400));
    SET @OutputFileDirectory = LEFT(@errorLog, LEN(@errorLog) - CHARINDEX(N'\', REVERSE(@errorLog)));
END;
IF RIGHT(@OutputFileDirectory, 1) = N'\'
    SET @OutputFileDirectory = LEFT(@OutputFileDirectory, LEN(@OutputFileDirectory) - 1);
DECLARE @OutputFile NVARCHAR(600) = @OutputFileDirectory
    + N'\WarehouseSegmentation_$(ESCAPE_SQUOTE(JOBID))_$(ESCAPE_SQUOTE(STEPID))_$(ESCAPE_SQUOTE(DATE))_$(ESCAPE_SQUOTE(TIME)).txt';

------------------------------------------------------------------------------------------------------------------------
-- Job (recreated when it exists)
------------------------------------------------------------------------------------------------------------------------
DECLARE @JobId UNIQUEIDENTIFIER;
DECLARE @quotedConfiguration NVARCHAR(210) = N'N''' + REPLACE(@ConfigurationName, N'''', N'''''') + N'''';
DECLARE @segmentationCommand NVARCHAR(MAX) = N'EXEC [Segmentation].[RunConfiguration] @ConfigurationName = ' + @quotedConfiguration + N';';
DECLARE @qualityCommand NVARCHAR(MAX) = N'EXEC [Segmentation].[CheckRunQuality] @ConfigurationName = ' + @quotedConfiguration + N';';
DECLARE @publishCommand NVARCHAR(MAX) = N'EXEC [Segmentation].[PublishRun] @ConfigurationName = ' + @quotedConfiguration + N';';
DECLARE @etlLogCommand NVARCHAR(MAX) = N'EXEC [Application].[WriteJobLog] @JobName = N''' + REPLACE(@JobName, N'''', N'''''')
    + N''', @StepName = N''etl'', @Status = N''succeeded'', @ConfigurationName = ' + @quotedConfiguration + N';';

BEGIN TRANSACTION;

IF @OperatorEmail IS NOT NULL AND NOT EXISTS (SELECT 1 FROM msdb.dbo.sysoperators WHERE [name] = @OperatorName)
    EXEC msdb.dbo.sp_add_operator @name = @OperatorName, @enabled = 1, @email_address = @OperatorEmail;

IF NOT EXISTS (SELECT 1 FROM msdb.dbo.syscategories WHERE [name] = N'Warehouse' AND [category_class] = 1)
    EXEC msdb.dbo.sp_add_category @class = N'JOB', @type = N'LOCAL', @name = N'Warehouse';

IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE [name] = @JobName)
    EXEC msdb.dbo.sp_delete_job @job_name = @JobName, @delete_unused_schedule = 1;

DECLARE @notifyLevel INT = CASE WHEN @OperatorEmail IS NULL THEN 0 ELSE 2 END;
DECLARE @notifyOperator SYSNAME = CASE WHEN @OperatorEmail IS NULL THEN NULL ELSE @OperatorName END;
EXEC msdb.dbo.sp_add_job
    @job_name = @JobName,
    @enabled = 1,
    @description = N'Warehouse customer segmentation: ETL, segmentation (SQL CLR), quality gate, publish. Created by database/Warehouse.Database/Agent/SegmentationJob.sql.',
    @category_name = N'Warehouse',
    @owner_login_name = @JobOwner,
    @notify_level_email = @notifyLevel,
    @notify_email_operator_name = @notifyOperator,
    @job_id = @JobId OUTPUT;

IF @EtlCommand IS NOT NULL
BEGIN
    EXEC msdb.dbo.sp_add_jobstep
        @job_id = @JobId, @step_name = N'ETL', @subsystem = N'CmdExec', @command = @EtlCommand, @proxy_name = @EtlProxyName,
        @on_success_action = 3, @on_fail_action = 2, @output_file_name = @OutputFile, @flags = 0;
    EXEC msdb.dbo.sp_add_jobstep
        @job_id = @JobId, @step_name = N'ETL log', @subsystem = N'TSQL', @database_name = @DatabaseName, @command = @etlLogCommand,
        @on_success_action = 3, @on_fail_action = 2, @output_file_name = @OutputFile, @flags = 2;
END;

EXEC msdb.dbo.sp_add_jobstep
    @job_id = @JobId, @step_name = N'Segmentation', @subsystem = N'TSQL', @database_name = @DatabaseName, @command = @segmentationCommand,
    @on_success_action = 3, @on_fail_action = 2, @output_file_name = @OutputFile, @flags = 2;

EXEC msdb.dbo.sp_add_jobstep
    @job_id = @JobId, @step_name = N'Quality gate', @subsystem = N'TSQL', @database_name = @DatabaseName, @command = @qualityCommand,
    @on_success_action = 3, @on_fail_action = 2, @output_file_name = @OutputFile, @flags = 2;

EXEC msdb.dbo.sp_add_jobstep
    @job_id = @JobId, @step_name = N'Publish', @subsystem = N'TSQL', @database_name = @DatabaseName, @command = @publishCommand,
    @on_success_action = 1, @on_fail_action = 2, @output_file_name = @OutputFile, @flags = 2;

EXEC msdb.dbo.sp_update_job @job_id = @JobId, @start_step_id = 1;

EXEC msdb.dbo.sp_add_jobschedule
    @job_id = @JobId,
    @name = N'Warehouse segmentation daily',
    @enabled = 1,
    @freq_type = 4,
    @freq_interval = 1,
    @active_start_date = @ScheduleStartDate,
    @active_start_time = @ScheduleTime;

EXEC msdb.dbo.sp_add_jobserver @job_id = @JobId, @server_name = N'(local)';

COMMIT;

SET @message = CONCAT(N'Job ', QUOTENAME(@JobName), N' created: steps ', CASE WHEN @EtlCommand IS NULL THEN N'' ELSE N'ETL, ' END,
                      N'Segmentation, Quality gate, Publish; output files in ', @OutputFileDirectory, N'.');
PRINT @message;
GO
