using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>
/// Moves the staged purchase lines of one load into the star schema, set-based: calendar days, countries,
/// products (type 1), customers first seen in purchases, then <c>Fact.Purchase</c> with the invoice as the unit: a file's
/// invoice replaces the stored lines of that invoice (lines with the same number and values are left alone, so a rerun
/// changes nothing), or, when appending, its lines follow the stored ones and repeats of stored lines are rejected
/// (<see cref="Run"/>).
/// </summary>
/// <remarks>
/// <para>On DuckDB the lines are staged in temporary tables of the load's transaction, not in
/// <c>Integration.Purchase_Staging</c>: staging is transient, and the ART index DuckDB builds for that table's primary key
/// made appending the rows and deleting them afterwards cost more than the rest of the migration (Online Retail: 5.4 s of
/// 13.5 s for the delete alone on a loaded machine). The temporary tables are dropped as soon as their rows are resolved,
/// and vanish with a rollback.</para>
/// <para>Text is staged dictionary-coded (<see cref="Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/>): each distinct text value (invoice number, stock code,
/// description, customer id, country, currency) goes once into a text table with an integer id, and the line carries the
/// ids. A string costs DuckDB ≈ 100-180 ns to append (UTF-8 check, statistics, copies) against a few ns for an integer, and
/// a line has six; Online Retail's 406,829 lines hold ≈ 35,000 distinct values. The migration groups and resolves the
/// distinct ids in small tables and joins the lines on integers; only the invoice number and currency are materialised per
/// line, for the fact table.</para>
/// </remarks>
public static class PurchaseMigration
{
    /// <summary>What the migration did.</summary>
    /// <param name="Inserted">Fact rows inserted (new, changed or appended lines).</param>
    /// <param name="Replaced">Stored fact rows removed: lines of the file's invoices that the file does not repeat with the
    /// same number and values (replace; 0 when appending).</param>
    /// <param name="NewCustomers">Customers created from purchase customer ids.</param>
    /// <param name="NewProducts">Products created.</param>
    /// <param name="LastInvoiceTime">Latest invoice time of the load, or null when nothing was staged.</param>
    /// <param name="DuplicatesRejected">Accepted lines rejected as duplicates of an earlier line of the file (written to
    /// Integration.RejectedPurchase by the migration; they move from loaded to rejected).</param>
    public sealed record Result(long Inserted, long Replaced, long NewCustomers, long NewProducts, DateTime? LastInvoiceTime, long DuplicatesRejected = 0)
    {
        /// <summary>Invoices of earlier loads whose stored lines the file's lines replaced (mapping <c>InvoiceUpdates</c>:
        /// <c>replace</c>; an invoice the file repeats unchanged is not counted). <see cref="Replaced"/> counts their stored lines removed.</summary>
        public long InvoicesReplaced { get; init; }

        /// <summary>Invoices of earlier loads the file's lines were appended to (<c>InvoiceUpdates</c>: <c>append</c>).</summary>
        public long InvoicesExtended { get; init; }

        /// <summary>Lines rejected as repeats of a stored line of their invoice (<c>append</c>); included in <see cref="DuplicatesRejected"/>.</summary>
        public long StoredRepeatsRejected { get; init; }

        /// <summary>
        /// Stored web sessions (and their visitors' other sessions) linked to the customers this load created: loaded before,
        /// they kept the CRM id (<see cref="InteractionMigration.RelinkStored"/>, as a CRM load does).
        /// </summary>
        public InteractionMigration.Relinked Relinked { get; init; } = new(0, 0, 0, 0);
    }

    /// <summary>The reason of a line that repeats a stored line of its invoice (append), followed by "N of load L".</summary>
    public const string StoredDuplicatePrefix = "duplicate of invoice line ";

    private static readonly DuckDbChunkAppender.Column[] StagedColumns =
    [
        DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.Integer,
        DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Integer,
        DuckDbChunkAppender.Column.Timestamp, DuckDbChunkAppender.Column.Decimal, DuckDbChunkAppender.Column.Integer,
        DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Boolean,
    ];

    /// <summary>A duplicate line's RawRecord: its staged values by the source's field names, text decoded through the joins of <see cref="NumberAndFindDuplicates"/>.</summary>
    private static readonly (string Name, string Expression)[] DuplicateRecord =
    [
        ("InvoiceNo", "inv.\"Value\""), ("StockCode", "st.\"Value\""), ("Description", "de.\"Value\""), ("Quantity", "s.\"Quantity\""),
        ("InvoiceDateTime", "s.\"InvoiceDateTime\""), ("UnitPrice", "s.\"UnitPrice\""), ("CrmCustomerId", "cu.\"Value\""),
        ("Country", "co.\"Value\""), ("CurrencyCode", "cur.\"Value\""),
    ];

    private static readonly DuckDbChunkAppender.Column[] RejectedColumns = [DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.Integer];

    private static readonly DuckDbChunkAppender.Column[] TextColumns = [DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Varchar];

    /// <summary>Name of the session's staging table of coded lines (catalog temp, schema main), created by <see cref="CreateStaging"/>.</summary>
    public static string StagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"purchase_staging_{session.LineageKey}";
    }

    /// <summary>Name of the session's text table (Id, Value), created by <see cref="CreateStaging"/>.</summary>
    public static string TextTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"purchase_text_{session.LineageKey}";
    }

    /// <summary>Name of the session's table of rejected lines' invoices (SourceLineNumber, InvoiceId), created by <see cref="CreateStaging"/>.</summary>
    public static string RejectedTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"purchase_rejected_{session.LineageKey}";
    }

    /// <summary>
    /// Creates the session's staging tables: the text table (Id, Value), the coded lines, one column per varying column
    /// of <c>Integration.Purchase_Staging</c> with its type, or an id into the text table for its text columns
    /// (InvoiceId, StockId, DescriptionId, CustomerId, CountryId, CurrencyId; SourceName and LineageKey are the load's), and
    /// the rejected lines' invoices (SourceLineNumber, InvoiceId): they hold their place in the invoice's numbering.
    /// </summary>
    /// <returns>The staging table's name.</returns>
    public static string CreateStaging(DuckDbLoadSession session)
    {
        var table = StagingTable(session);
        foreach (var statement in StagingTablesSql(TextTable(session), RejectedTable(session), table))
        {
            session.Execute(statement);
        }

        return table;
    }

    /// <summary>The statements creating the staging's text, rejected-line and line tables under the given names.</summary>
    private static string[] StagingTablesSql(string textTable, string rejectedTable, string table) =>
    [
        $"""CREATE TEMP TABLE IF NOT EXISTS {textTable} ("Id" INTEGER NOT NULL, "Value" VARCHAR NOT NULL)""",
        $"""CREATE TEMP TABLE IF NOT EXISTS {rejectedTable} ("SourceLineNumber" BIGINT NOT NULL, "InvoiceId" INTEGER NOT NULL)""",
        $"""
        CREATE TEMP TABLE IF NOT EXISTS {table} (
            "SourceLineNumber" BIGINT NOT NULL, "InvoiceId" INTEGER NOT NULL, "StockId" INTEGER NOT NULL,
            "DescriptionId" INTEGER, "Quantity" INTEGER NOT NULL, "InvoiceDateTime" TIMESTAMP NOT NULL, "UnitPrice" DECIMAL(18, 4) NOT NULL,
            "CustomerId" INTEGER NOT NULL, "CountryId" INTEGER, "CurrencyId" INTEGER NOT NULL, "IsCancellation" BOOLEAN NOT NULL)
        """,
    ];

    /// <summary>
    /// Runs the staging's appends once on <paramref name="rows"/> in a throwaway in-memory DuckDB database (tables as
    /// <see cref="CreateStaging"/>'s, nothing of any warehouse touched), so that a fresh process's first staging finds the
    /// appender's code compiled and DuckDB's append code paged in (a first staging of Online Retail appended for ≈ 0.13 s
    /// longer than later ones). Called on a background thread before a transactions load; the result is thrown away.
    /// </summary>
    /// <param name="rows">Lines in file order, as <see cref="Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/> takes them.</param>
    /// <returns>Accepted lines appended (placeholders not counted).</returns>
    public static long WarmUp(IEnumerable<PurchaseStagingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        // One thread and a small limit: it runs beside the load it prepares (a few thousand lines need well under 1 MB).
        foreach (var statement in new[] { "SET threads = 1", "SET memory_limit = '64MB'" }.Concat(StagingTablesSql("warm_text", "warm_rejected", "warm_lines")))
        {
            using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }

        return Append(connection, "warm_text", "warm_lines", "warm_rejected", rows, MaxTextEntries);
    }

    /// <summary>
    /// Stages purchase lines into the session's staging tables (see <see cref="CreateStaging"/>) with the column-wise
    /// appender (<see cref="DuckDbChunkAppender"/>): per line six integer ids and five numbers; each distinct text once; a
    /// rejected line's placeholder (<see cref="PurchaseStagingRow.IsRejected"/>) as its line and invoice id.
    /// Memory stays flat: the value → id maps are emptied when they reach their bound (<see cref="MaxTextEntries"/>; invoice
    /// numbers: a quarter of it) and a value seen again then gets a second id; the migration groups and compares by value, so
    /// ids only need to be unique.
    /// </summary>
    /// <returns>Accepted lines staged (placeholders not counted).</returns>
    /// <exception cref="ArgumentException">The line numbers are not strictly increasing (the session is marked failed).</exception>
    public static long Stage(DuckDbLoadSession session, IEnumerable<PurchaseStagingRow> rows) => Stage(session, rows, MaxTextEntries);

    /// <summary><see cref="Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/> with another bound of the value → id map (tests).</summary>
    internal static long Stage(DuckDbLoadSession session, IEnumerable<PurchaseStagingRow> rows, int maxTextEntries)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rows);
        var table = CreateStaging(session);
        var textTable = TextTable(session);
        var rejectedTable = RejectedTable(session);
        return session.Guard(() => Append(session.Connection, textTable, table, rejectedTable, rows, maxTextEntries));
    }

    /// <summary>Appends <paramref name="rows"/> to the staging tables of one load (see <see cref="Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/>).</summary>
    private static long Append(DuckDBConnection connection, string textTable, string table, string rejectedTable, IEnumerable<PurchaseStagingRow> rows,
        int maxTextEntries)
    {
        using var texts = new DuckDbChunkAppender(connection, "temp", "main", textTable, TextColumns);
        using var lines = new DuckDbChunkAppender(connection, "temp", "main", table, StagedColumns);
        using var rejected = new DuckDbChunkAppender(connection, "temp", "main", rejectedTable, RejectedColumns);
        var codes = new TextCodes(texts, maxTextEntries);
        var previous = long.MinValue;
        foreach (var r in rows)
        {
            // The fact keys follow the line numbers (see Run): they must be unique, as a file's are, in file order.
            if (r.SourceLineNumber <= previous)
            {
                throw new ArgumentException(
                    $"Purchase lines must be staged in file order with distinct line numbers: line {r.SourceLineNumber} follows line {previous}.", nameof(rows));
            }

            previous = r.SourceLineNumber;
            if (r.IsRejected)
            {
                rejected.SetInt64(0, r.SourceLineNumber);
                rejected.SetInt32(1, codes.Id(0, r.InvoiceNo));
                rejected.EndRow();
                continue;
            }

            lines.SetInt64(0, r.SourceLineNumber);
            lines.SetInt32(1, codes.Id(0, r.InvoiceNo));
            lines.SetInt32(2, codes.Id(1, r.StockCode));
            SetOptional(lines, 3, codes, 2, r.Description);
            lines.SetInt32(4, r.Quantity);
            lines.SetTimestamp(5, r.InvoiceDateTime);
            lines.SetDecimal(6, r.UnitPrice);
            lines.SetInt32(7, codes.Id(3, r.CrmCustomerId));
            SetOptional(lines, 8, codes, 4, r.Country);
            lines.SetInt32(9, codes.Id(5, r.CurrencyCode));
            lines.SetBoolean(10, r.IsCancellation);
            lines.EndRow();
        }

        texts.Close();
        lines.Close();
        rejected.Close();
        return lines.RowCount;
    }

    /// <summary>
    /// Name (without @) of the BIT argument of Integration.MigrateStagedPurchaseData that the host sends on SQL Server: 1 rejects
    /// duplicate lines (the default, as <see cref="Run"/>'s rejectDuplicates), 0 loads them.
    /// </summary>
    public const string RejectDuplicatesArgument = "RejectDuplicates";

    /// <summary>
    /// Name (without @) of the BIT argument of Integration.MigrateStagedPurchaseData for the mapping's <c>InvoiceUpdates</c>: 0
    /// (the default, <c>replace</c>) or 1 (<c>append</c>), as <see cref="Run"/>'s appendInvoiceLines.
    /// </summary>
    public const string AppendInvoiceLinesArgument = "AppendInvoiceLines";

    /// <summary>
    /// Names (without @) of the BIGINT OUTPUT parameters of Integration.MigrateStagedPurchaseData, in the order of
    /// <see cref="Result.InvoicesReplaced"/>, <see cref="Result.Replaced"/>, <see cref="Result.InvoicesExtended"/>,
    /// <see cref="Result.StoredRepeatsRejected"/> and <see cref="Result.Inserted"/> (<see cref="FactRowsInsertedArgument"/>).
    /// </summary>
    public static IReadOnlyList<string> OutputArguments { get; } = ["InvoicesReplaced", "StoredLinesRemoved", "InvoicesExtended", "StoredRepeatsRejected", FactRowsInsertedArgument];

    /// <summary>
    /// Name (without @) of the OUTPUT parameter of Integration.MigrateStagedPurchaseData with the fact rows its INSERT inserted
    /// (@@ROWCOUNT), as <see cref="Result.Inserted"/>: lines left alone in replace mode are loaded, not inserted.
    /// </summary>
    public const string FactRowsInsertedArgument = "FactRowsInserted";

    /// <summary>Distinct text values the staging keeps ids for before it starts over (bounds memory on huge files).</summary>
    public const int MaxTextEntries = 1 << 18;

    private static void SetOptional(DuckDbChunkAppender lines, int column, TextCodes codes, int slot, string? value)
    {
        if (value is null)
        {
            lines.SetNull(column);
        }
        else
        {
            lines.SetInt32(column, codes.Id(slot, value));
        }
    }

    /// <summary>Runs the migration of the rows staged in <see cref="StagingTable"/>, then drops the staging tables.</summary>
    /// <param name="session">The load.</param>
    /// <param name="rejectDuplicates">True (the default): an accepted line whose values all equal an earlier line's of the
    /// load is rejected with the reason "duplicate of line N" (see <see cref="NumberAndFindDuplicates"/>); false: it is loaded.</param>
    /// <param name="appendInvoiceLines">False (the default, mapping <c>InvoiceUpdates</c>: <c>replace</c>): an invoice of the file
    /// replaces all stored lines of that invoice (a stored line with the same number and values is left as it is, the others are
    /// removed); true (<c>append</c>): the file's lines of a stored invoice are added after its stored lines, numbered on from
    /// the invoice's highest stored number, except a line whose values equal a stored line's of the invoice (the n-th equal line
    /// of the file matches the n-th equal stored line), which is rejected as <c>duplicate of invoice line N of load L</c>.
    /// Values compare as stored: invoice, customer, product, country (their keys), time, quantity, unit price, currency.</param>
    public static Result Run(DuckDbLoadSession session, bool rejectDuplicates = true, bool appendInvoiceLines = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        var staging = StagingTable(session);
        var text = TextTable(session);
        var key = new { session.LineageKey };
        DimensionMaintenance.EnsureUnknownMembers(session);
        var range = session.Query<(DateTime? First, DateTime? Last)>($"SELECT min(\"InvoiceDateTime\"), max(\"InvoiceDateTime\") FROM {staging}")[0];
        var lines = session.Query<(long First, long Last)>($"SELECT COALESCE(min(\"SourceLineNumber\"), 0), COALESCE(max(\"SourceLineNumber\"), 0) FROM {staging}")[0];
        if (range.First is null || range.Last is null)
        {
            session.Checkpoint("facts");
            session.Execute($"DROP TABLE {staging}");
            session.Execute($"DROP TABLE {text}");
            session.Execute($"DROP TABLE {RejectedTable(session)}");
            return new Result(0, 0, 0, 0, null);
        }

        var duplicates = NumberAndFindDuplicates(session, rejectDuplicates);

        // The day after the last invoice too: the feature view measures recency as of that day.
        DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(range.First.Value), DateOnly.FromDateTime(range.Last.Value).AddDays(1));
        DimensionMaintenance.EnsureCountries(session, $"""
            SELECT DISTINCT t."Value" AS "Country" FROM (SELECT DISTINCT "CountryId" FROM {staging}) AS d JOIN {text} AS t ON t."Id" = d."CountryId"
            """);

        // Type 1: the latest description seen wins (null when the file never describes the product). Grouped by id first
        // (integers), then by value: a value can have two ids when the staging's map started over.
        session.Execute($"""
            CREATE TEMP TABLE purchase_products_{k} AS
            SELECT st."Value" AS "StockCode", arg_max(de."Value", g."LastLine") FILTER (WHERE de."Value" IS NOT NULL) AS "Description"
            FROM (SELECT s."StockId",
                         arg_max(s."DescriptionId", s."SourceLineNumber") FILTER (WHERE s."DescriptionId" IS NOT NULL) AS "DescriptionId",
                         max(s."SourceLineNumber") FILTER (WHERE s."DescriptionId" IS NOT NULL) AS "LastLine"
                  FROM {staging} AS s
                  GROUP BY s."StockId") AS g
            JOIN {text} AS st ON st."Id" = g."StockId"
            LEFT JOIN {text} AS de ON de."Id" = g."DescriptionId"
            GROUP BY st."Value"
            """);
        var newProducts = session.Execute($"""
            INSERT INTO "Dimension"."Product" ("StockCode", "Description", "LineageKey")
            SELECT n."StockCode", n."Description", @LineageKey
            FROM purchase_products_{k} AS n
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Product" AS p WHERE p."StockCode" = n."StockCode")
            ORDER BY n."StockCode"
            """, key);
        session.Execute($"""
            UPDATE "Dimension"."Product" AS p
            SET "Description" = latest."Description", "LineageKey" = @LineageKey
            FROM purchase_products_{k} AS latest
            WHERE p."StockCode" = latest."StockCode" AND latest."Description" IS NOT NULL AND p."Description" IS DISTINCT FROM latest."Description"
            """, key);

        var newCustomers = InsertPurchaseCustomers(session, staging, text);
        // A customer created from a purchase's CRM id is one a web login of that id names: sessions loaded before link now,
        // as after a CRM load (CRM-id links do not depend on the order of the sources). Only when customers were created.
        var relinked = newCustomers > 0 ? InteractionMigration.RelinkStored(session) : new InteractionMigration.Relinked(0, 0, 0, 0);
        session.Checkpoint("dimensions");

        // Every text id with the keys its value has as a product, a country and a customer (one small table; each line
        // reads the key of its role's id).
        session.Execute($"""
            CREATE TEMP TABLE purchase_keys_{k} AS
            SELECT t."Id", p."ProductKey", g."GeographyKey", c."CustomerKey"
            FROM {text} AS t
            LEFT JOIN "Dimension"."Product" AS p ON p."StockCode" = t."Value"
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = t."Value" AND g."City" = ''
            LEFT JOIN {CustomerKeyMap.ByCrmIdKey} AS c ON c."CrmIdKey" = upper(t."Value")
            """);
        // The lines with their keys, as a query (not materialised: writing 400k lines into a table cost more than the joins).
        var resolved = $"""
            SELECT COALESCE(kc."CustomerKey", 0) AS "CustomerKey",
                   CAST(year(s."InvoiceDateTime") * 10000 + month(s."InvoiceDateTime") * 100 + day(s."InvoiceDateTime") AS INTEGER) AS "DateKey",
                   COALESCE(kp."ProductKey", 0) AS "ProductKey",
                   COALESCE(kg."GeographyKey", 0) AS "GeographyKey",
                   s."SourceLineNumber", inv."Value" AS "InvoiceNo", n."InvoiceLineNumber", s."InvoiceDateTime", s."Quantity", s."UnitPrice",
                   CAST(s."Quantity" * s."UnitPrice" AS DECIMAL(18, 4)) AS "Amount",
                   cur."Value" AS "CurrencyCode", s."IsCancellation"
            FROM {staging} AS s
            JOIN purchase_lines_{k} AS n ON n."SourceLineNumber" = s."SourceLineNumber"
            JOIN {text} AS inv ON inv."Id" = s."InvoiceId"
            JOIN {text} AS cur ON cur."Id" = s."CurrencyId"
            LEFT JOIN purchase_keys_{k} AS kp ON kp."Id" = s."StockId"
            LEFT JOIN purchase_keys_{k} AS kg ON kg."Id" = s."CountryId"
            LEFT JOIN purchase_keys_{k} AS kc ON kc."Id" = s."CustomerId"
            """;

        // Fact lines of the staged invoices already in the warehouse (none on a first load, and then every step below is
        // skipped): the only ones a file can replace, leave alone or extend. Found through the distinct invoice numbers (a
        // semi-join), so the fact table is read once, for one column. Occurrence numbers the equal lines of an invoice
        // (append: the n-th equal line of the file repeats the n-th stored one); LastLine is the invoice's highest number.
        session.Execute($"""
            CREATE TEMP TABLE purchase_existing_{k} AS
            SELECT f."PurchaseKey", f."InvoiceLineNumber", f."LineageKey", {FactValues("f")},
                   row_number() OVER (PARTITION BY {FactValues("f")} ORDER BY f."InvoiceLineNumber") AS "Occurrence",
                   max(f."InvoiceLineNumber") OVER (PARTITION BY f."InvoiceNo") AS "LastLine"
            FROM "Fact"."Purchase" AS f
            WHERE f."InvoiceNo" IN (SELECT t."Value" FROM {text} AS t WHERE t."Id" IN (SELECT DISTINCT "InvoiceId" FROM {staging}))
            """);
        long replaced = 0, invoicesReplaced = 0, invoicesExtended = 0, repeated = 0;
        var keep = string.Empty;
        if (session.Scalar<long>($"SELECT count(*) FROM purchase_existing_{k}") > 0)
        {
            // The file's lines of those invoices with their keys, and each one's stored twin: replace, the stored line with the
            // same number and values (left alone); append, the stored line with the same values and occurrence (a repeat).
            session.Execute($"""
                CREATE TEMP TABLE purchase_resent_{k} AS
                SELECT r."SourceLineNumber", r."InvoiceLineNumber", {FactValues("r")},
                       row_number() OVER (PARTITION BY {FactValues("r")} ORDER BY r."SourceLineNumber") AS "Occurrence"
                FROM ({resolved}) AS r
                WHERE r."InvoiceNo" IN (SELECT "InvoiceNo" FROM purchase_existing_{k})
                """);
            var twin = appendInvoiceLines ? "e.\"Occurrence\" = r.\"Occurrence\"" : "e.\"InvoiceLineNumber\" = r.\"InvoiceLineNumber\"";
            session.Execute($"""
                CREATE TEMP TABLE purchase_same_{k} AS
                SELECT r."SourceLineNumber", e."PurchaseKey", e."InvoiceLineNumber" AS "StoredLineNumber", e."LineageKey" AS "StoredLineageKey"
                FROM purchase_resent_{k} AS r
                JOIN purchase_existing_{k} AS e ON {string.Join(" AND ", FactValueColumns.Select(c => $"e.\"{c}\" = r.\"{c}\""))} AND {twin}
                """);
            if (appendInvoiceLines)
            {
                // A repeat of a stored line is rejected naming it (the fact keeps no source line: its invoice line number and
                // load); the other lines follow the invoice's stored lines in file order.
                session.Execute($"""
                    CREATE TEMP TABLE purchase_repeats_{k} AS SELECT "SourceLineNumber", "StoredLineNumber", "StoredLineageKey" FROM purchase_same_{k}
                    """);
                repeated = StagingDuplicates.Move(session, staging, $"purchase_repeats_{k}", "RejectedPurchase", null, DuplicateRecord, RecordJoins(text),
                    reason: $"'{StoredDuplicatePrefix}' || CAST(d.\"StoredLineNumber\" AS VARCHAR) || ' of load ' || CAST(d.\"StoredLineageKey\" AS VARCHAR)");
                session.Execute($"""
                    CREATE TEMP TABLE purchase_appended_{k} AS
                    SELECT r."SourceLineNumber", r."InvoiceNo",
                           CAST(e."LastLine" + row_number() OVER (PARTITION BY r."InvoiceNo" ORDER BY r."SourceLineNumber") AS INTEGER) AS "InvoiceLineNumber"
                    FROM purchase_resent_{k} AS r
                    JOIN (SELECT DISTINCT "InvoiceNo", "LastLine" FROM purchase_existing_{k}) AS e ON e."InvoiceNo" = r."InvoiceNo"
                    WHERE r."SourceLineNumber" NOT IN (SELECT "SourceLineNumber" FROM purchase_same_{k})
                    """);
                invoicesExtended = session.Scalar<long>($"SELECT count(DISTINCT \"InvoiceNo\") FROM purchase_appended_{k}");
                session.Execute($"""
                    UPDATE purchase_lines_{k} AS n SET "InvoiceLineNumber" = a."InvoiceLineNumber"
                    FROM purchase_appended_{k} AS a WHERE n."SourceLineNumber" = a."SourceLineNumber"
                    """);
            }
            else
            {
                // The file's invoice replaces the stored one: stored lines without a twin go, lines without a twin come.
                invoicesReplaced = session.Scalar<long>($"""
                    SELECT count(*) FROM (
                        SELECT e."InvoiceNo" FROM purchase_existing_{k} AS e WHERE e."PurchaseKey" NOT IN (SELECT "PurchaseKey" FROM purchase_same_{k})
                        UNION
                        SELECT r."InvoiceNo" FROM purchase_resent_{k} AS r WHERE r."SourceLineNumber" NOT IN (SELECT "SourceLineNumber" FROM purchase_same_{k}))
                    """);
                replaced = session.Execute($"""
                    DELETE FROM "Fact"."Purchase"
                    WHERE "PurchaseKey" IN (SELECT "PurchaseKey" FROM purchase_existing_{k})
                      AND "PurchaseKey" NOT IN (SELECT "PurchaseKey" FROM purchase_same_{k})
                    """);
                keep = $"""WHERE r."SourceLineNumber" NOT IN (SELECT "SourceLineNumber" FROM purchase_same_{k})""";
            }
        }

        // Keys follow file order without a sort: line l of the file gets first + l - (first staged line); the sequence moves past
        // the whole range (rejected lines leave gaps), so the same file on the same warehouse always gives the same keys.
        var first = session.Scalar<long>("SELECT nextval('Sequences.PurchaseKey')");
        if (lines.Last > lines.First)
        {
            session.Scalar<long>($"SELECT max(nextval('Sequences.PurchaseKey')) FROM range({lines.Last - lines.First})");
        }

        var inserted = session.Execute($"""
            INSERT INTO "Fact"."Purchase" ("PurchaseKey", "CustomerKey", "DateKey", "ProductKey", "GeographyKey", "ChannelKey", "InvoiceNo",
                "InvoiceLineNumber", "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "CurrencyCode", "IsCancellation", "LineageKey")
            SELECT CAST(r."SourceLineNumber" + @offset AS BIGINT), r."CustomerKey", r."DateKey", r."ProductKey", r."GeographyKey", 0, r."InvoiceNo",
                   r."InvoiceLineNumber", r."InvoiceDateTime", r."Quantity", r."UnitPrice", r."Amount", r."CurrencyCode", r."IsCancellation", @LineageKey
            FROM ({resolved}) AS r
            {keep}
            """, new { offset = first - lines.First, session.LineageKey });
        session.Checkpoint("facts");
        foreach (var table in new[] { staging, text, RejectedTable(session), $"purchase_lines_{k}", $"purchase_keys_{k}", $"purchase_products_{k}", $"purchase_existing_{k}" })
        {
            session.Execute($"DROP TABLE {table}");
        }

        foreach (var table in new[] { "resent", "same", "appended" })
        {
            session.Execute($"DROP TABLE IF EXISTS purchase_{table}_{k}");
        }

        return new Result(inserted, replaced, newCustomers, newProducts, range.Last, duplicates + repeated)
        {
            InvoicesReplaced = invoicesReplaced,
            InvoicesExtended = invoicesExtended,
            StoredRepeatsRejected = repeated,
            Relinked = relinked,
        };
    }

    /// <summary>
    /// Numbers the lines of every invoice and, when <paramref name="rejectDuplicates"/>, rejects duplicate lines; set-based, in
    /// DuckDB (the host keeps nothing per invoice or per line, so its memory does not grow with the file).
    /// <list type="bullet">
    /// <item>InvoiceLineNumber = the line's position among all lines of its invoice number in file order, accepted and
    /// rejected (<see cref="RejectedTable"/>) alike: <c>row_number() OVER (PARTITION BY invoice ORDER BY SourceLineNumber)</c>,
    /// into <c>purchase_lines_k</c> (SourceLineNumber, InvoiceLineNumber) for the accepted lines.</item>
    /// <item>A duplicate is an accepted line whose every value (invoice, stock code, description, quantity, date/time, unit
    /// price, customer id, country, currency; a missing description or country equals a missing one) equals an earlier
    /// accepted line's: it is written to Integration.RejectedPurchase with the reason "duplicate of line N" (N = the first
    /// such line; column null; RawRecord the staged values as a JSON object, as <see cref="StagingDuplicates"/> writes them:
    /// the raw text of accepted lines is not staged) and deleted from the staging,
    /// after it took its InvoiceLineNumber slot.</item>
    /// </list>
    /// Text values are compared by value: ids of one value differ only when the staging's map started over
    /// (<see cref="MaxTextEntries"/>), and then each such id is first mapped to the value's smallest id.
    /// </summary>
    /// <returns>Lines rejected as duplicates.</returns>
    private static long NumberAndFindDuplicates(DuckDbLoadSession session, bool rejectDuplicates)
    {
        var k = session.LineageKey;
        var staging = StagingTable(session);
        var text = TextTable(session);
        session.Execute($"""
            CREATE TEMP TABLE purchase_canon_{k} AS
            SELECT t."Id", m."Canon"
            FROM {text} AS t
            JOIN (SELECT "Value", min("Id") AS "Canon" FROM {text} GROUP BY "Value" HAVING count(*) > 1) AS m ON m."Value" = t."Value"
            WHERE t."Id" <> m."Canon"
            """);
        var recoded = session.Scalar<long>($"SELECT count(*) FROM purchase_canon_{k}") > 0;

        // One text id column of alias a as the value's canonical id, with the join it needs (none when no value has two ids).
        var joins = new List<string>();
        string Canon(string alias, string column)
        {
            if (!recoded)
            {
                return $"{alias}.\"{column}\"";
            }

            var c = $"c{joins.Count}";
            joins.Add($"LEFT JOIN purchase_canon_{k} AS {c} ON {c}.\"Id\" = {alias}.\"{column}\"");
            return $"COALESCE({c}.\"Canon\", {alias}.\"{column}\")";
        }

        var invoice = Canon("u", "InvoiceId");
        session.Execute($"""
            CREATE TEMP TABLE purchase_lines_{k} AS
            SELECT n."SourceLineNumber", CAST(n."InvoiceLineNumber" AS INTEGER) AS "InvoiceLineNumber"
            FROM (SELECT u."SourceLineNumber", u."Accepted", row_number() OVER (PARTITION BY {invoice} ORDER BY u."SourceLineNumber") AS "InvoiceLineNumber"
                  FROM (SELECT "SourceLineNumber", "InvoiceId", true AS "Accepted" FROM {staging}
                        UNION ALL SELECT "SourceLineNumber", "InvoiceId", false FROM {RejectedTable(session)}) AS u
                  {string.Join('\n', joins)}) AS n
            WHERE n."Accepted"
            """);
        if (!rejectDuplicates)
        {
            session.Execute($"DROP TABLE purchase_canon_{k}");
            return 0;
        }

        // Lines with the same values have the same hash: the hashes seen more than once pick the few candidate lines (the
        // duplicates and their first occurrences), and only those are compared value by value (a window over all lines
        // cost 0.9 s of a 2 s migration on Online Retail).
        joins.Clear();
        string[] ids = ["InvoiceId", "StockId", "DescriptionId", "CustomerId", "CountryId", "CurrencyId"];
        var values = string.Join(", ", ids.Select(id => Canon("s", id)).Concat(["s.\"Quantity\"", "s.\"InvoiceDateTime\"", "s.\"UnitPrice\""]));
        var from = $"FROM {staging} AS s {string.Join('\n', joins)}";
        session.Execute($"""
            CREATE TEMP TABLE purchase_hashes_{k} AS
            SELECT h."Hash" FROM (SELECT hash({values}) AS "Hash" {from}) AS h GROUP BY h."Hash" HAVING count(*) > 1
            """);
        session.Execute($"""
            CREATE TEMP TABLE purchase_duplicates_{k} AS
            SELECT d."SourceLineNumber", d."FirstLine"
            FROM (SELECT s."SourceLineNumber", min(s."SourceLineNumber") OVER (PARTITION BY {values}) AS "FirstLine"
                  {from}
                  WHERE hash({values}) IN (SELECT "Hash" FROM purchase_hashes_{k})) AS d
            WHERE d."FirstLine" < d."SourceLineNumber"
            """);
        session.Execute($"DROP TABLE purchase_hashes_{k}");
        var rejected = StagingDuplicates.Move(session, staging, $"purchase_duplicates_{k}", "RejectedPurchase", null, DuplicateRecord, RecordJoins(text));
        session.Execute($"DROP TABLE IF EXISTS purchase_canon_{k}");
        return rejected;
    }

    /// <summary>The joins <see cref="DuplicateRecord"/>'s expressions need: each text id of staged line <c>s</c> to its value.</summary>
    private static string RecordJoins(string text) => $"""
        JOIN {text} AS inv ON inv."Id" = s."InvoiceId"
        JOIN {text} AS st ON st."Id" = s."StockId"
        LEFT JOIN {text} AS de ON de."Id" = s."DescriptionId"
        JOIN {text} AS cu ON cu."Id" = s."CustomerId"
        LEFT JOIN {text} AS co ON co."Id" = s."CountryId"
        JOIN {text} AS cur ON cur."Id" = s."CurrencyId"
        """;

    /// <summary>The columns a fact line's values are compared by across loads (all NOT NULL: keys resolve to 0 at worst).</summary>
    private static readonly string[] FactValueColumns =
        ["InvoiceNo", "CustomerKey", "DateKey", "ProductKey", "GeographyKey", "InvoiceDateTime", "Quantity", "UnitPrice", "CurrencyCode", "IsCancellation"];

    private static string FactValues(string alias) => string.Join(", ", FactValueColumns.Select(c => $"{alias}.\"{c}\""));

    /// <summary>Gives each distinct text value of a staging an id, appending new values to the text table.</summary>
    /// <remarks>
    /// Invoice numbers (slot 0) have a map of their own, bounded at a quarter of <c>maxEntries</c>: they are most of a big
    /// file's distinct values and rarely recur far apart, so their map starts over often at little cost, and the values that
    /// recur throughout a file (products, customers, countries) keep one id each as long as they fit the other map (every
    /// value with two ids costs the migration a lookup, see <see cref="NumberAndFindDuplicates"/>).
    /// </remarks>
    private sealed class TextCodes(DuckDbChunkAppender texts, int maxEntries)
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _invoiceIds = new(StringComparer.Ordinal);
        private readonly int _maxInvoices = Math.Max(1, maxEntries / 4);
        private readonly string?[] _last = new string?[6];
        private readonly int[] _lastId = new int[6];
        private int _next = 1;

        /// <summary>The id of <paramref name="value"/>; <paramref name="slot"/> (the column) remembers its last value, as
        /// invoice numbers, customers and countries repeat on neighbouring lines.</summary>
        public int Id(int slot, string value)
        {
            if (ReferenceEquals(value, _last[slot]))
            {
                return _lastId[slot];
            }

            var ids = slot == 0 ? _invoiceIds : _ids;
            if (!ids.TryGetValue(value, out var id))
            {
                if (ids.Count >= (slot == 0 ? _maxInvoices : maxEntries))
                {
                    ids.Clear();
                }

                id = _next++;
                ids.Add(value, id);
                texts.SetInt32(0, id);
                texts.SetString(1, value);
                texts.EndRow();
            }

            _last[slot] = value;
            _lastId[slot] = id;
            return id;
        }
    }

    /// <summary>
    /// Customers known only by the purchase source's customer id get a customer row (matched by crm-id later).
    /// Keys are handed out in id order, so the same input always gives the same keys.
    /// </summary>
    private static long InsertPurchaseCustomers(DuckDbLoadSession session, string staging, string text)
    {
        var k = session.LineageKey;
        // One customer per id compared without case (a1 and A1 are one customer, as on SQL Server), spelled as on its latest
        // line, with that line's country (latest invoice time, then line): grouped by text id first, then by value (a value
        // can have two ids, see Stage).
        session.Execute($"""
            CREATE TEMP TABLE purchase_customers_{k} AS
            SELECT n.* FROM (SELECT arg_max(cu."Value", g."Last") AS "CrmCustomerId", min(g."FirstSeen") AS "FirstSeen", arg_max(co."Value", g."Last") AS "Country"
                             FROM (SELECT s."CustomerId", min(s."InvoiceDateTime") AS "FirstSeen", max((s."InvoiceDateTime", s."SourceLineNumber")) AS "Last",
                                          arg_max(s."CountryId", (s."InvoiceDateTime", s."SourceLineNumber")) AS "CountryId"
                                   FROM {staging} AS s
                                   GROUP BY s."CustomerId") AS g
                             JOIN {text} AS cu ON cu."Id" = g."CustomerId"
                             LEFT JOIN {text} AS co ON co."Id" = g."CountryId"
                             GROUP BY upper(cu."Value")) AS n
            WHERE NOT EXISTS (SELECT 1 FROM {CustomerKeyMap.ByCrmId} AS c WHERE upper(c."CrmCustomerId") = upper(n."CrmCustomerId"))
            """);
        var count = session.Scalar<long>($"SELECT count(*) FROM purchase_customers_{k}");
        long inserted = 0;
        if (count > 0)
        {
            var first = session.Scalar<long>("SELECT nextval('Sequences.CustomerKey')");
            if (count > 1)
            {
                session.Scalar<long>($"SELECT max(nextval('Sequences.CustomerKey')) FROM range({count - 1})");
            }

            inserted = session.Execute($"""
                INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", "Country", "GeographyKey", "MatchRule", "LineageKey")
                SELECT CAST(@first + row_number() OVER (ORDER BY n."CrmCustomerId") - 1 AS INTEGER), n."FirstSeen", TIMESTAMP '9999-12-31',
                       n."CrmCustomerId", n."Country", COALESCE(g."GeographyKey", 0), 'crm-id', @LineageKey
                FROM purchase_customers_{k} AS n
                LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = n."Country" AND g."City" = ''
                """, new { first, session.LineageKey });
            // The id is the new customer's own (primary) id in the source-key map.
            session.Execute($"""
                INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey")
                SELECT n."CrmCustomerId", CAST(@first + row_number() OVER (ORDER BY n."CrmCustomerId") - 1 AS INTEGER), 'crm-id',
                       @LoadStarted, @LineageKey
                FROM purchase_customers_{k} AS n
                """, new { first, session.LineageKey, session.LoadStarted });
        }

        session.Execute($"DROP TABLE purchase_customers_{k}");
        return inserted;
    }
}
