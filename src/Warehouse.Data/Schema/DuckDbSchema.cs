namespace Warehouse.Data.Schema;

/// <summary>The DuckDB form of the warehouse schema, derived from the T-SQL source by <see cref="DuckDbSchemaTranslator"/>.</summary>
/// <param name="Statements">DuckDB statements in execution order: schemas, sequences, tables, comments, views.</param>
/// <param name="Tables">The tables, with columns and DuckDB types, for checks.</param>
/// <param name="Skipped">What was not translated and why (T-SQL-only objects such as procedures, indexes, foreign keys).</param>
public sealed record DuckDbSchema(
    IReadOnlyList<string> Statements,
    IReadOnlyList<DuckDbTable> Tables,
    IReadOnlyList<string> Skipped);

/// <summary>A table of the DuckDB schema.</summary>
/// <param name="Schema">Schema name.</param>
/// <param name="Name">Table name.</param>
/// <param name="Columns">Columns in declaration order.</param>
public sealed record DuckDbTable(string Schema, string Name, IReadOnlyList<DuckDbColumn> Columns);

/// <summary>A column of a DuckDB table.</summary>
/// <param name="Name">Column name.</param>
/// <param name="SqlServerType">The type as declared in T-SQL, e.g. <c>NVARCHAR(50)</c>.</param>
/// <param name="DuckDbType">The DuckDB type it maps to, e.g. <c>VARCHAR</c>.</param>
/// <param name="IsNullable">Whether NULL is allowed.</param>
/// <param name="Default">The DuckDB default expression, or null (lets an older file get the column in place).</param>
public sealed record DuckDbColumn(string Name, string SqlServerType, string DuckDbType, bool IsNullable, string? Default = null);
