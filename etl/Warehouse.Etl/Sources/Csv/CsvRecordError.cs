namespace Warehouse.Etl.Sources.Csv;

/// <summary>A structural problem of one CSV record that does not stop the file from being read.</summary>
/// <param name="FieldIndex">0-based index of the field where the problem starts; -1 when the record as a whole is at fault (too long, too many fields).</param>
/// <param name="Reason">What is wrong, e.g. "quote character inside an unquoted field".</param>
public readonly record struct CsvRecordError(int FieldIndex, string Reason);
