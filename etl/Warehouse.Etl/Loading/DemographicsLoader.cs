using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Loading;

/// <summary>
/// <c>load demographics</c>: survey answers (CSV, <see cref="SurveyResponseReader"/>) joined to customers by CRM id into
/// <c>Fact.SurveyResponse</c>; answers for unknown customers are rejected with the reason. One atomic load.
/// </summary>
public static class DemographicsLoader
{
    /// <summary>Source system name in lineage.</summary>
    public const string SourceSystem = "demographics";

    /// <summary>Loads one survey file.</summary>
    /// <exception cref="SourceFormatException">The file cannot be read as a whole; nothing was loaded.</exception>
    public static LoadResult Load(IWarehouse warehouse, string path, CleaningOptions? options = null, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var (clock, sourceName, hash, found) = SourceFile.Prepare(warehouse, path, "demographics", SourceSystem, StagingTarget.Demographics);
        if (found is { } done)
        {
            return new LoadResult(SourceSystem, sourceName, done, true, 0, 0, 0, "already loaded", clock.Elapsed);
        }

        using var session = SourceLoad.Begin(warehouse, StagingTarget.Demographics, SourceSystem, sourceName, hash, checkpoint);
        long read = 0, accepted = 0;
        using (var stream = SourceFile.Open(path))
        {
            var items = SurveyResponseReader.ReadCsv(stream, sourceName, options);
            var row = new DemographicsStagingRow { SourceName = sourceName, LineageKey = session.LineageKey };
            session.Stage(Rows());

            IEnumerable<DemographicsStagingRow> Rows()
            {
                foreach (var item in items)
                {
                    read++;
                    if (item.Reject is { } reject)
                    {
                        session.Reject(reject.LineNumber, reject.RecordNumber, reject.ColumnName, reject.Reason, reject.RawRecord);
                        continue;
                    }

                    var s = item.Record!;
                    accepted++;
                    row.SourceLineNumber = item.LineNumber;
                    row.SourceRecordNumber = item.RecordNumber;
                    row.CrmCustomerId = s.CrmCustomerId;
                    row.SurveyDate = s.SurveyDate;
                    row.HouseholdSize = s.HouseholdSize;
                    row.Children = s.Children;
                    row.IncomeBand = s.IncomeBand;
                    row.Education = s.Education;
                    row.Occupation = s.Occupation;
                    row.MaritalStatus = s.MaritalStatus;
                    row.Satisfaction = s.Satisfaction;
                    yield return row;
                }
            }
        }

        var counts = session.Migrate(read, accepted, null, duckDb =>
        {
            var (written, unknown, duplicates) = DemographicsMigration.Run(duckDb);
            return new MigrationOutcome(unknown + duplicates, null,
                $"{written:N0} survey answers new or changed, {unknown:N0} answers for unknown customers rejected, {duplicates:N0} repeated answers (same customer and survey date) rejected");
        });
        return LoadResult.From(SourceSystem, sourceName, session.LineageKey, counts, clock.Elapsed);
    }
}
