using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Text;

namespace Warehouse.Etl.Loading;

/// <summary>
/// <c>load web</c> and <c>load social</c>: web events (JSON lines, sessionised by <see cref="WebSessionizer"/>) into
/// <c>Fact.WebSession</c>; social comments (JSON) with sentiment and keywords (<see cref="SentimentAnalyzer"/>,
/// <see cref="KeywordExtractor"/>) into <c>Fact.SocialInteraction</c>. Each is one atomic load with lineage
/// (web: events read = events in loaded sessions + rejected events); the same content twice changes nothing.
/// </summary>
public static class InteractionLoaders
{
    /// <summary>Loads a web events file.</summary>
    /// <exception cref="SourceFormatException">The file cannot be read as a whole; nothing was loaded.</exception>
    public static LoadResult LoadWeb(IWarehouse warehouse, string path, CleaningOptions? options = null, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var (clock, sourceName, hash, done) = SourceFile.Prepare(warehouse, path, "web", "web", StagingTarget.WebSession);
        if (done is { } earlier)
        {
            return new LoadResult("web", sourceName, earlier, true, 0, 0, 0, "already loaded", clock.Elapsed);
        }

        using var session = SourceLoad.Begin(warehouse, StagingTarget.WebSession, "web", sourceName, hash, checkpoint);
        long events = 0, sessions = 0;
        using (var stream = SourceFile.Open(path))
        {
            var items = new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(stream, sourceName, options), sourceName);
            var row = new WebSessionStagingRow { SourceName = sourceName, LineageKey = session.LineageKey };
            session.Stage(Rows());

            IEnumerable<WebSessionStagingRow> Rows()
            {
                foreach (var item in items)
                {
                    if (item.Reject is { } reject)
                    {
                        session.Reject(reject.LineNumber, reject.RecordNumber, reject.ColumnName, reject.Reason, reject.RawRecord);
                        continue;
                    }

                    var s = item.Record!;
                    events += s.EventCount;
                    sessions++;
                    row.SourceLineNumber = s.FirstLineNumber;
                    row.SourceRecordNumber = s.FirstRecordNumber;
                    row.SessionId = s.SessionId;
                    row.WebVisitorId = s.WebVisitorId;
                    row.CrmCustomerId = s.CrmCustomerId;
                    row.EmailHash = s.EmailHash;
                    row.StartTime = s.StartTime;
                    row.EndTime = s.EndTime;
                    row.PageViews = s.PageViews;
                    row.ProductViews = s.ProductViews;
                    row.AddToCarts = s.AddToCarts;
                    row.Conversions = s.Conversions;
                    row.Device = s.Device;
                    row.Referrer = s.Referrer;
                    row.EventCount = s.EventCount;
                    yield return row;
                }
            }
        }

        var counts = session.Migrate(events + session.RowsRejected, events, "web", duckDb =>
        {
            var migrated = InteractionMigration.RunWeb(duckDb);
            return new MigrationOutcome(0, migrated.Last, $"{sessions:N0} sessions ({migrated.Inserted:N0} new or changed), {Linked(migrated, "visitors")}");
        });
        return LoadResult.From("web", sourceName, session.LineageKey, counts, clock.Elapsed);
    }

    /// <summary>Loads a social comments file.</summary>
    /// <exception cref="SourceFormatException">The file cannot be read as a whole; nothing was loaded.</exception>
    public static LoadResult LoadSocial(IWarehouse warehouse, string path, CleaningOptions? options = null, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var (clock, sourceName, hash, done) = SourceFile.Prepare(warehouse, path, "social", "social", StagingTarget.SocialInteraction, SourceFile.Reading(options));
        if (done is { } earlier)
        {
            return new LoadResult("social", sourceName, earlier, true, 0, 0, 0, "already loaded", clock.Elapsed);
        }

        using var session = SourceLoad.Begin(warehouse, StagingTarget.SocialInteraction, "social", sourceName, hash, checkpoint);
        var analyzer = new SentimentAnalyzer();
        var keywords = new KeywordExtractor();
        long read = 0, accepted = 0;
        using (var stream = SourceFile.Open(path))
        {
            var items = SocialCommentReader.ReadJson(stream, sourceName, options);
            var row = new SocialStagingRow { SourceName = sourceName, LineageKey = session.LineageKey };
            session.Stage(Rows());

            IEnumerable<SocialStagingRow> Rows()
            {
                foreach (var item in items)
                {
                    read++;
                    if (item.Reject is { } reject)
                    {
                        session.Reject(reject.LineNumber, reject.RecordNumber, reject.ColumnName, reject.Reason, reject.RawRecord);
                        continue;
                    }

                    var c = item.Record!;
                    var sentiment = analyzer.Analyze(c.Text);
                    accepted++;
                    row.SourceLineNumber = item.LineNumber;
                    row.SourceRecordNumber = item.RecordNumber;
                    row.Platform = c.Platform;
                    row.CommentId = c.CommentId;
                    row.SocialHandle = c.Handle;
                    row.Email = c.Email;
                    row.ReplyToCommentId = c.ReplyToCommentId;
                    row.CommentTime = c.CommentTime;
                    row.CommentText = c.Text;
                    row.Likes = c.Likes;
                    row.SentimentScore = sentiment.Score;
                    row.SentimentLabel = sentiment.LabelText;
                    row.Keywords = keywords.ExtractJoined(c.Text);
                    yield return row;
                }
            }
        }

        var counts = session.Migrate(read, accepted, "social", duckDb =>
        {
            var migrated = InteractionMigration.RunSocial(duckDb);
            return new MigrationOutcome(migrated.Duplicates, migrated.Last,
                $"{migrated.Inserted:N0} comments new or changed, {migrated.Duplicates:N0} repeated comment ids rejected, {Linked(migrated, "handles")}");
        });
        return LoadResult.From("social", sourceName, session.LineageKey, counts, clock.Elapsed);
    }

    private static string Linked(InteractionMigration.Result migrated, string identities) =>
        $"{migrated.Matched:N0} linked to a customer ({migrated.RulesText}); {migrated.Relinked:N0} rows of earlier loads re-linked; " +
        $"{migrated.Conflicts:N0} {identities} linked to two or more customers (not stitched)";
}
