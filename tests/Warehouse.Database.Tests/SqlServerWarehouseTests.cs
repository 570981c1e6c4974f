using System.Reflection;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;

namespace Warehouse.Database.Tests;

/// <summary>
/// What can be checked of the SQL Server implementation without a server: the bulk-copy column mappings match the
/// DacFx model's staging and reject tables (names, types, NULL-ability), the procedures and parameters the loads
/// call exist in the model, the SQL text parses, and connection strings are checked before connecting.
/// </summary>
public class SqlServerWarehouseTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    public static TheoryData<string, string> BulkCopies() => new()
    {
        { nameof(PurchaseStagingRow), "Integration.Purchase_Staging" },
        { nameof(CustomerStagingRow), "Integration.Customer_Staging" },
        { nameof(DemographicsStagingRow), "Integration.Demographics_Staging" },
        { nameof(WebSessionStagingRow), "Integration.WebSession_Staging" },
        { nameof(SocialStagingRow), "Integration.SocialInteraction_Staging" },
        { nameof(CustomerMatchStagingRow), "Integration.CustomerMatch_Staging" },
        { nameof(RejectedRow), StagingTarget.RejectStagingTable },
    };

    [Theory]
    [MemberData(nameof(BulkCopies))]
    public void BulkCopyColumnsMatchTheModelTable(string rowType, string table)
    {
        var type = typeof(PurchaseStagingRow).Assembly.GetTypes().Single(t => t.Name == rowType && t.Namespace == "Warehouse.Data.Loading");
        var columnNames = (IReadOnlyList<string>)typeof(ObjectDataReader<>).MakeGenericType(type)
            .GetProperty(nameof(ObjectDataReader<object>.ColumnNames), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var modelTable = fixture.Tables.Single(t => ModelFixture.Plain(t.Name) == table);
        var columns = modelTable.GetReferenced(Table.Columns).ToDictionary(c => c.Name.Parts[^1], StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var name in columnNames)
        {
            if (!columns.TryGetValue(name, out var column))
            {
                problems.Add($"{rowType}.{name} has no column in {table}");
                continue;
            }

            var property = type.GetProperty(name)!;
            var clr = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var sqlType = column.GetReferenced(Column.DataType).Single().Name.Parts[^1].ToLowerInvariant();
            if (!Compatible(clr, sqlType))
            {
                problems.Add($"{rowType}.{name} is {clr.Name}, {table}.{name} is {sqlType}");
            }

            var clrNullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
            if (clrNullable && !column.GetProperty<bool>(Column.Nullable))
            {
                problems.Add($"{rowType}.{name} may be null but {table}.{name} is NOT NULL");
            }
        }

        foreach (var (name, column) in columns)
        {
            var required = !column.GetProperty<bool>(Column.Nullable) && !column.GetReferencing(DefaultConstraint.TargetColumn).Any();
            if (required && !columnNames.Contains(name))
            {
                problems.Add($"{table}.{name} is NOT NULL without default and {rowType} does not fill it");
            }
        }

        Assert.NotEmpty(columnNames);
        Expect.None(problems, $"{rowType} bulk-copies into {table}");
    }

    [Fact]
    public void MappingCheckCatchesAMismatch()
    {
        Assert.True(Compatible(typeof(int), "int"));
        Assert.False(Compatible(typeof(string), "int"));
        Assert.False(Compatible(typeof(long), "int"));
    }

    [Fact]
    public void EveryLoadTargetNamesModelObjectsAndProceduresTakeTheLineageKey()
    {
        var procedures = fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass)
            .ToDictionary(p => ModelFixture.Plain(p.Name), StringComparer.OrdinalIgnoreCase);
        var tables = fixture.Tables.Select(t => ModelFixture.Plain(t.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var target in StagingTarget.All)
        {
            Assert.Contains(target.StagingTable, tables);
            Assert.Contains(target.RejectTable, tables);
            Assert.Contains(target.FactTable, tables);
            var procedure = procedures[target.MigrateProcedure];
            var parameters = procedure.GetReferenced(Procedure.Parameters).ToList();
            Assert.Equal("@LineageKey", parameters[0].Name.Parts[^1]);
            Assert.Equal("int", parameters[0].GetReferenced(Parameter.DataType).Single().Name.Parts[^1]);
            // The only other arguments the host sends: the purchase mapping's Duplicates and InvoiceUpdates options
            // (SqlServerLoadSession.ProcedureArguments, BIT), and the invoice counts it reads back (ProcedureOutputs, BIGINT OUTPUT).
            string[] inputs = target == StagingTarget.Purchase ? ["@" + PurchaseMigration.RejectDuplicatesArgument, "@" + PurchaseMigration.AppendInvoiceLinesArgument] : [];
            string[] outputs = target == StagingTarget.Purchase ? [.. PurchaseMigration.OutputArguments.Select(o => "@" + o)] : [];
            Assert.Equal([.. inputs, .. outputs], parameters.Skip(1).Select(p => p.Name.Parts[^1]));
            Assert.All(parameters.Skip(1).Take(inputs.Length), p => Assert.Equal(("bit", false), (p.GetReferenced(Parameter.DataType).Single().Name.Parts[^1], p.GetProperty<bool>(Parameter.IsOutput))));
            Assert.All(parameters.Skip(1 + inputs.Length), p => Assert.Equal(("bigint", true), (p.GetReferenced(Parameter.DataType).Single().Name.Parts[^1], p.GetProperty<bool>(Parameter.IsOutput))));
        }

        var start = procedures[SqlServerLoadSession.GetLineageKeyProcedure].GetReferenced(Procedure.Parameters)
            .ToDictionary(p => p.Name.Parts[^1], p => p.GetProperty<bool>(Parameter.IsOutput));
        Assert.Equal(new Dictionary<string, bool>
        {
            ["@SourceSystem"] = false, ["@SourceName"] = false, ["@TableName"] = false, ["@SourceHash"] = false, ["@SourceCutoff"] = false, ["@LineageKey"] = true,
        }, start);
        var fail = procedures[SqlServerLoadSession.FailLineageProcedure].GetReferenced(Procedure.Parameters).ToList();
        Assert.Equal(["@LineageKey", "@Reason"], fail.Select(p => p.Name.Parts[^1]));
        Assert.True(fail[1].GetProperty<int>(Parameter.Length) >= SqlServerLoadSession.EndedBeforeMigrationReason.Length, "the host's reason would be cut");

        // segment run --connection: the procedures and the parameter names the host sends.
        string[] Names(string procedure) => procedures[procedure].GetReferenced(Procedure.Parameters).Select(p => p.Name.Parts[^1]).ToArray();
        Assert.Equal(["@ConfigurationName", "@ModelRunKey", "@K", "@FeatureList", "@RandomSeed", "@Restarts"], Names(SqlServerSegmentation.RunProcedure));
        Assert.True(procedures[SqlServerSegmentation.RunProcedure].GetReferenced(Procedure.Parameters).ElementAt(1).GetProperty<bool>(Parameter.IsOutput));
        Assert.Equal(["@ConfigurationName", "@ModelRunKey"], Names(SqlServerSegmentation.QualityProcedure));
        Assert.Equal(["@ConfigurationName", "@ModelRunKey"], Names(SqlServerSegmentation.PublishProcedure));
    }

    [Fact]
    public void EveryStagingTargetHasARowTypeThatIsBulkCopiedIntoIt()
    {
        // Each load target's staging table is filled by one of the row types checked above (demographics was missing once).
        var staged = BulkCopies().Select(row => (string)row[1]).ToHashSet(StringComparer.Ordinal);
        Expect.None(StagingTarget.All.Select(t => t.StagingTable).Where(t => !staged.Contains(t)), "every staging table has a checked bulk copy");
        Assert.Contains(StagingTarget.RejectStagingTable, staged);
        Expect.None(StagingTarget.All.Select(t => t.ResolutionTable).OfType<string>().Where(t => !staged.Contains(t)), "every resolution table has a checked bulk copy");
    }

    [Fact]
    public void EveryRejectTableHasTheColumnsOfTheRejectStagingTable()
    {
        // The procedures move a load's rejected rows from Integration.Reject_Staging into its reject table column by
        // column; the same names, types, lengths and NULL-ability keep the move lossless.
        string Columns(string table) => string.Join(", ", fixture.Tables.Single(t => ModelFixture.Plain(t.Name) == table).GetReferenced(Table.Columns)
            .Select(c => $"{c.Name.Parts[^1]} {c.GetReferenced(Column.DataType).Single().Name.Parts[^1]}({c.GetProperty<int>(Column.Length)}{(c.GetProperty<bool>(Column.IsMax) ? ",max" : "")}) {(c.GetProperty<bool>(Column.Nullable) ? "NULL" : "NOT NULL")}"));
        var staging = Columns(StagingTarget.RejectStagingTable);
        Assert.Contains("RawRecord nvarchar(0,max) NULL", staging, StringComparison.Ordinal);
        Assert.Contains("SourceRecordNumber bigint(0) NOT NULL", staging, StringComparison.Ordinal);
        foreach (var table in StagingTarget.All.Select(t => t.RejectTable).Distinct())
        {
            // RejectedPurchase alone has no record number: transactions are CSV, each record starts on a line of its own, so
            // the line keys the row and the host stages record number = line (nothing is lost by leaving it out).
            Assert.Equal(table == StagingTarget.Purchase.RejectTable ? staging.Replace(", SourceRecordNumber bigint(0) NOT NULL", "", StringComparison.Ordinal) : staging,
                Columns(table));
        }
    }

    [Fact]
    public void AFailedLoadEmptiesEveryTableTheHostWroteBeforeTheMigration()
    {
        // SqlServerLoadSession writes the target's staging table and resolution table (Stage) and the reject staging
        // table (rejects) before the procedure runs; disposing a load that did not migrate deletes the load's rows from exactly those tables.
        foreach (var target in StagingTarget.All)
        {
            var deleted = new List<string>();
            foreach (var sql in target.FailedLoadCleanupSql)
            {
                using var reader = new StringReader(sql);
                var fragment = new TSql160Parser(true).Parse(reader, out var errors);
                Assert.Empty(errors.Select(e => e.Message));
                var delete = Assert.IsType<DeleteStatement>(Assert.Single(((TSqlScript)fragment).Batches.Single().Statements));
                var table = Assert.IsType<NamedTableReference>(delete.DeleteSpecification.Target);
                deleted.Add(string.Join('.', table.SchemaObject.Identifiers.Select(i => i.Value)));
                var where = Assert.IsType<BooleanComparisonExpression>(delete.DeleteSpecification.WhereClause.SearchCondition);
                Assert.Equal("LineageKey", Assert.IsType<ColumnReferenceExpression>(where.FirstExpression).MultiPartIdentifier.Identifiers[^1].Value);
                Assert.Equal("@LineageKey", Assert.IsType<VariableReference>(where.SecondExpression).Name);
            }

            string?[] written = [target.StagingTable, target.ResolutionTable, StagingTarget.RejectStagingTable];
            Assert.Equal(written.OfType<string>().Order(), deleted.Order());
        }
    }

    [Fact]
    public void TextParametersTheHostSendsHaveTheModelsTypesAndLengths()
    {
        var procedures = fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass)
            .ToDictionary(p => ModelFixture.Plain(p.Name), StringComparer.OrdinalIgnoreCase);
        (string Type, int Length, bool Output) Declared(string procedure, string name)
        {
            var parameter = procedures[procedure].GetReferenced(Procedure.Parameters).Single(p => p.Name.Parts[^1] == name);
            return (parameter.GetReferenced(Parameter.DataType).Single().Name.Parts[^1], parameter.GetProperty<int>(Parameter.Length), parameter.GetProperty<bool>(Parameter.IsOutput));
        }

        foreach (var (name, length) in SqlServerLoadSession.LineageKeyTextParameters)
        {
            Assert.Equal(("nvarchar", length, false), Declared(SqlServerLoadSession.GetLineageKeyProcedure, name));
        }

        Assert.Equal(("int", 0, true), Declared(SqlServerLoadSession.GetLineageKeyProcedure, "@LineageKey"));
        foreach (var procedure in new[] { SqlServerSegmentation.RunProcedure, SqlServerSegmentation.QualityProcedure, SqlServerSegmentation.PublishProcedure })
        {
            Assert.Equal(("nvarchar", SqlServerSegmentation.ConfigurationNameLength, false), Declared(procedure, "@ConfigurationName"));
            Assert.Equal("int", Declared(procedure, "@ModelRunKey").Type);
        }
    }

    public static TheoryData<string> StatementTexts()
    {
        var data = new TheoryData<string>
        {
            SqlServerLoadSession.FindSuccessfulLoadSql, SqlServerLoadSession.LineageCountsSql, SqlServerWarehouse.SchemaCheckSql,
            SqlServerSegmentation.RunSummarySql, Warehouse.Data.SegmentProfiles.Sql, CustomerIdentitySql.Cutoff, CustomerIdentitySql.Identities,
            Warehouse.Data.SegmentStore.RenameSql, Warehouse.Data.SegmentStore.SucceededRunSql, Warehouse.Data.SegmentStore.RunSegmentsSql,
            Warehouse.Data.SegmentStore.DeleteRulesSql, Warehouse.Data.SegmentStore.InsertRuleSql, Warehouse.Data.Loading.OutlierFlagging.ReadSql,
        };
        foreach (var target in StagingTarget.All)
        {
            data.Add(target.DeleteStagedSql);
        }

        data.Add(StagingTarget.DeleteStagedRejectsSql);

        return data;
    }

    [Theory]
    [MemberData(nameof(StatementTexts))]
    public void SqlTextParsesAndReferencesModelColumns(string sql)
    {
        using var reader = new StringReader(sql);
        var fragment = new TSql160Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => e.Message));

        var visitor = new ReferenceVisitor();
        fragment.Accept(visitor);
        var views = fixture.Model.GetObjects(DacQueryScopes.UserDefined, View.TypeClass).ToList();
        var objects = fixture.Tables.Concat(views).Select(o => ModelFixture.Plain(o.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Expect.None(visitor.Objects.Where(o => !objects.Contains(o)), "referenced tables and views exist in the model");
        var columns = fixture.Tables.SelectMany(t => t.GetReferenced(Table.Columns)).Concat(views.SelectMany(v => v.GetReferenced(View.Columns)))
            .Select(c => c.Name.Parts[^1]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Expect.None(visitor.Columns.Where(c => !columns.Contains(c)), "referenced columns exist in the model");
        // Values come in as parameters, never as literals built from input.
        Assert.DoesNotContain(visitor.StringLiterals, s => !s.StartsWith("Integration.", StringComparison.Ordinal) && !s.StartsWith("Segmentation.", StringComparison.Ordinal)
            && !s.StartsWith("Reports.", StringComparison.Ordinal) && s is not ("P" or "V" or "succeeded"));
    }

    [Theory]
    [InlineData("Server=db1;Database=Warehouse;Integrated Security=true", null)]
    [InlineData("Server=db1;Integrated Security=true", "names no database")]
    [InlineData("Database=Warehouse;Integrated Security=true", "names no server")]
    [InlineData("Server=db1;Database=master;Integrated Security=true", "system database master")]
    [InlineData("Server=db1;Databse=Warehouse", "not a valid SQL Server connection string")]
    public void ConnectionStringsAreCheckedBeforeConnecting(string connectionString, string? error)
    {
        if (error is null)
        {
            var builder = SqlServerWarehouse.ParseConnectionString(connectionString);
            Assert.Equal("Warehouse", builder.InitialCatalog);
            Assert.True(SqlServerWarehouse.IsConnectionString(connectionString));
            return;
        }

        var e = Assert.Throws<ArgumentException>(() => SqlServerWarehouse.ParseConnectionString(connectionString));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilePathsAreNotConnectionStrings()
    {
        Assert.False(SqlServerWarehouse.IsConnectionString("warehouse.duckdb"));
        Assert.False(SqlServerWarehouse.IsConnectionString(Path.Combine("data", "server-1", "w.duckdb")));
    }

    private static bool Compatible(Type clr, string sqlType) => sqlType switch
    {
        "nvarchar" or "nchar" or "varchar" or "char" => clr == typeof(string),
        "int" => clr == typeof(int),
        "bigint" => clr == typeof(long),
        "smallint" => clr == typeof(short),
        "tinyint" => clr == typeof(byte),
        "bit" => clr == typeof(bool),
        "decimal" or "numeric" => clr == typeof(decimal),
        "float" => clr == typeof(double),
        "real" => clr == typeof(float),
        "date" => clr == typeof(DateOnly) || clr == typeof(DateTime),
        "datetime2" or "datetime" => clr == typeof(DateTime),
        _ => false,
    };

    private sealed class ReferenceVisitor : TSqlFragmentVisitor
    {
        public List<string> Columns { get; } = [];

        public List<string> StringLiterals { get; } = [];

        public List<string> Objects { get; } = [];

        public override void Visit(NamedTableReference node) => Objects.Add(string.Join('.', node.SchemaObject.Identifiers.Select(i => i.Value)));

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is not null)
            {
                Columns.Add(node.MultiPartIdentifier.Identifiers[^1].Value);
            }
        }

        public override void Visit(StringLiteral node) => StringLiterals.Add(node.Value);
    }
}
