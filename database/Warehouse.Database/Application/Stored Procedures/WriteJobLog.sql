-- Appends one row to Application.JobLog; used by the Segmentation procedures and the SQL Agent job steps.
CREATE PROCEDURE [Application].[WriteJobLog]
    @JobName NVARCHAR(128),
    @StepName NVARCHAR(128),
    @Status NVARCHAR(20),
    @ConfigurationName NVARCHAR(100) = NULL,
    @ModelRunKey INT = NULL,
    @Message NVARCHAR(2000) = NULL
AS
BEGIN
    SET NOCOUNT ON;

    INSERT [Application].[JobLog] ([JobName], [StepName], [ConfigurationName], [ModelRunKey], [Status], [Message])
    VALUES (@JobName, @StepName, @ConfigurationName, @ModelRunKey, @Status, @Message);

    RETURN 0;
END;
GO
