CREATE TABLE [Segmentation].[Model] (
    [ModelRunKey] INT NOT NULL,
    [ModelFormat] NVARCHAR(32) NOT NULL,
    [FormatVersion] INT NOT NULL,
    [ModelBytes] VARBINARY(MAX) NOT NULL,
    [ScalerBytes] VARBINARY(MAX) NOT NULL,
    CONSTRAINT [PK_Segmentation_Model] PRIMARY KEY CLUSTERED ([ModelRunKey] ASC),
    CONSTRAINT [FK_Segmentation_Model_ModelRunKey_Segmentation_ModelRun] FOREIGN KEY ([ModelRunKey]) REFERENCES [Segmentation].[ModelRun] ([ModelRunKey])
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Trained models of each run, serialized (signature + format version), with the fitted scaler.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run that trained the model.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Model kind, as written in the payload header.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model', @level2type = N'COLUMN', @level2name = N'ModelFormat';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Payload format version.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model', @level2type = N'COLUMN', @level2name = N'FormatVersion';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Serialized model.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model', @level2type = N'COLUMN', @level2name = N'ModelBytes';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Serialized feature scaler.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Model', @level2type = N'COLUMN', @level2name = N'ScalerBytes';
GO
