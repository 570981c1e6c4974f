using System.Collections;
using System.Data.SqlTypes;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database.Build;

namespace Warehouse.SqlClr.Tests;

/// <summary>
/// The generated CLR deploy script: ScriptDom parses it, it trusts exactly the bytes it deploys, SAFE, rerunnable, and
/// every EXTERNAL NAME resolves by reflection to a public static method whose parameters and return type match the T-SQL.
/// </summary>
public class DeployScriptTests
{
    private static readonly Lazy<(string Text, TSqlScript Script)> Deploy = new(() =>
    {
        var text = ClrPaths.GenerateDeployScript();
        using var reader = new StringReader(text);
        var script = (TSqlScript)new TSql160Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"({e.Line},{e.Column}): {e.Message}"));
        return (text, script);
    });

    private static IEnumerable<TSqlStatement> Statements => Deploy.Value.Script.Batches.SelectMany(b => b.Statements);

    [Fact]
    public void ScriptParsesWithSql150Grammar()
    {
        using var reader = new StringReader(Deploy.Value.Text);
        new TSql150Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"({e.Line},{e.Column}): {e.Message}"));
    }

    [Fact]
    public void AssemblyBytesAreTheBuildAndTheTrustedHashIsTheirSha512()
    {
        var create = Assert.Single(Statements.OfType<CreateAssemblyStatement>());
        var literal = Assert.IsType<BinaryLiteral>(Assert.Single(create.Parameters));
        var bytes = Convert.FromHexString(literal.Value[2..]);
        Assert.Equal(File.ReadAllBytes(ClrPaths.Net48Assembly), bytes);

        var option = Assert.IsType<PermissionSetAssemblyOption>(Assert.Single(create.Options));
        Assert.Equal(PermissionSetOption.Safe, option.PermissionSetOption);

        var trust = Statements.OfType<IfStatement>()
            .Select(s => s.ThenStatement).OfType<ExecuteStatement>()
            .Single(e => ProcedureName(e) == "sp_add_trusted_assembly");
        var hashParameter = ((ExecutableProcedureReference)trust.ExecuteSpecification.ExecutableEntity).Parameters.Single(p => p.Variable.Name == "@hash");
        Assert.Equal("0x" + Convert.ToHexString(SHA512.HashData(bytes)), ((BinaryLiteral)hashParameter.ParameterValue).Value, ignoreCase: true);
        Assert.DoesNotContain("SET TRUSTWORTHY", Deploy.Value.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Statements.OfType<AlterDatabaseSetStatement>());
    }

    [Fact]
    public void EveryCreatedObjectIsDroppedFirstOnlyWhenItExists()
    {
        var text = Deploy.Value.Text;
        var wrappers = ClrDeployScript.ParseWrappers(File.ReadAllText(ClrPaths.WrappersPath), "wrappers");
        Assert.Equal(3, wrappers.Count);
        foreach (var wrapper in wrappers)
        {
            var drop = text.IndexOf($"IF OBJECT_ID(N'{wrapper.QuotedName}') IS NOT NULL\n    DROP {wrapper.DropKind} {wrapper.QuotedName};", StringComparison.Ordinal);
            Assert.True(drop >= 0, $"{wrapper.QuotedName} is not dropped conditionally");
            Assert.True(drop < text.IndexOf("CREATE ASSEMBLY", StringComparison.Ordinal));
        }

        var dropAssembly = text.IndexOf("IF EXISTS (SELECT 1 FROM sys.assemblies WHERE name = N'Warehouse.SqlClr')\n    DROP ASSEMBLY [Warehouse.SqlClr];", StringComparison.Ordinal);
        Assert.True(dropAssembly > 0 && dropAssembly < text.IndexOf("CREATE ASSEMBLY", StringComparison.Ordinal));
        Assert.Contains("IF NOT EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = 0x", text, StringComparison.Ordinal);
    }

    public static TheoryData<string> ExternalObjects()
    {
        var data = new TheoryData<string>();
        foreach (var wrapper in ClrDeployScript.ParseWrappers(File.ReadAllText(ClrPaths.WrappersPath), "wrappers"))
        {
            data.Add(wrapper.QuotedName);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExternalObjects))]
    public void ExternalNameResolvesToAMatchingPublicStaticMethod(string quotedName)
    {
        var statement = Statements.Single(s => Name(s) == quotedName);
        var (external, parameters, output) = statement switch
        {
            CreateProcedureStatement p => (p.MethodSpecifier, p.Parameters, (object?)null),
            CreateFunctionStatement f => (f.MethodSpecifier, f.Parameters, (object)f.ReturnType),
            _ => throw new InvalidOperationException(statement.GetType().Name),
        };
        Assert.Equal("Warehouse.SqlClr", external.AssemblyName.Value);

        var type = typeof(SegmentationProcedures).Assembly.GetType(external.ClassName.Value);
        Assert.NotNull(type);
        var method = Assert.Single(type!.GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name == external.MethodName.Value);
        var clrParameters = method.GetParameters();
        Assert.Equal(parameters.Count, clrParameters.Length);
        for (var i = 0; i < parameters.Count; i++)
        {
            var sql = parameters[i];
            var clr = clrParameters[i];
            var isOutput = sql.Modifier == Microsoft.SqlServer.TransactSql.ScriptDom.ParameterModifier.Output;
            Assert.True(isOutput == clr.ParameterType.IsByRef, $"{quotedName} {sql.VariableName.Value}: OUTPUT in T-SQL must be out/ref in C#");
            Assert.True(Matches(sql.DataType, clr.ParameterType.IsByRef ? clr.ParameterType.GetElementType()! : clr.ParameterType),
                $"{quotedName} {sql.VariableName.Value} {Describe(sql.DataType)} does not match {clr.ParameterType.Name} {clr.Name}");
        }

        switch (output)
        {
            case null:
                Assert.Equal(typeof(void), method.ReturnType);
                break;
            case ScalarFunctionReturnType scalar:
                Assert.True(Matches(scalar.DataType, method.ReturnType), $"{quotedName} returns {Describe(scalar.DataType)}, method returns {method.ReturnType.Name}");
                break;
            case TableValuedFunctionReturnType table:
                Assert.Equal(typeof(IEnumerable), method.ReturnType);
                var attribute = method.GetCustomAttribute<Microsoft.SqlServer.Server.SqlFunctionAttribute>();
                Assert.NotNull(attribute);
                var fill = type.GetMethod(attribute!.FillRowMethodName, BindingFlags.Public | BindingFlags.Static);
                Assert.NotNull(fill);
                var columns = table.DeclareTableVariableBody.Definition.ColumnDefinitions;
                var fillParameters = fill!.GetParameters();
                Assert.Equal(typeof(object), fillParameters[0].ParameterType);
                Assert.Equal(columns.Count, fillParameters.Length - 1);
                for (var i = 0; i < columns.Count; i++)
                {
                    Assert.True(fillParameters[i + 1].IsOut);
                    Assert.True(Matches(columns[i].DataType, fillParameters[i + 1].ParameterType.GetElementType()!),
                        $"{quotedName} column {columns[i].ColumnIdentifier.Value} {Describe(columns[i].DataType)} does not match {fillParameters[i + 1].ParameterType.Name}");
                }

                // The attribute's TableDefinition (used by SSDT-style tools) says the same as the T-SQL.
                var declared = string.Join(", ", columns.Select(c => $"{c.ColumnIdentifier.Value} {Describe(c.DataType)}"));
                Assert.Equal(declared, attribute.TableDefinition, ignoreCase: true);
                break;
            default:
                throw new InvalidOperationException(output.GetType().Name);
        }
    }

    [Fact]
    public void TypeCheckRejectsAMismatch()
    {
        var type = new SqlDataTypeReference { SqlDataTypeOption = SqlDataTypeOption.Int };
        Assert.True(Matches(type, typeof(SqlInt32)));
        Assert.False(Matches(type, typeof(SqlString)));
        Assert.False(Matches(type, typeof(SqlDouble)));
    }

    /// <summary>SQL Server's CLR type mapping ("Mapping CLR parameter data", learn.microsoft.com).</summary>
    private static bool Matches(DataTypeReference sqlType, Type clrType)
    {
        var option = ((SqlDataTypeReference)sqlType).SqlDataTypeOption;
        var isMax = ((SqlDataTypeReference)sqlType).Parameters.Any(p => p is MaxLiteral);
        return option switch
        {
            SqlDataTypeOption.Int => clrType == typeof(SqlInt32) || clrType == typeof(int) || clrType == typeof(int?),
            SqlDataTypeOption.BigInt => clrType == typeof(SqlInt64) || clrType == typeof(long) || clrType == typeof(long?),
            SqlDataTypeOption.Float => clrType == typeof(SqlDouble) || clrType == typeof(double) || clrType == typeof(double?),
            SqlDataTypeOption.Bit => clrType == typeof(SqlBoolean) || clrType == typeof(bool) || clrType == typeof(bool?),
            SqlDataTypeOption.NVarChar => clrType == typeof(SqlChars) || (!isMax && (clrType == typeof(SqlString) || clrType == typeof(string))),
            SqlDataTypeOption.VarBinary => clrType == typeof(SqlBytes) || (!isMax && (clrType == typeof(SqlBinary) || clrType == typeof(byte[]))),
            _ => false,
        };
    }

    private static string Describe(DataTypeReference type)
    {
        var sql = (SqlDataTypeReference)type;
        var name = sql.SqlDataTypeOption.ToString().ToUpperInvariant();
        return sql.Parameters.Count == 0 ? name : $"{name}({string.Join(", ", sql.Parameters.Select(p => p is MaxLiteral ? "MAX" : p.Value))})";
    }

    private static string? Name(TSqlStatement statement) => statement switch
    {
        CreateProcedureStatement p => Quote(p.ProcedureReference.Name),
        CreateFunctionStatement f => Quote(f.Name),
        _ => null,
    };

    private static string Quote(SchemaObjectName name) => $"[{name.SchemaIdentifier.Value}].[{name.BaseIdentifier.Value}]";

    private static string ProcedureName(ExecuteStatement execute) =>
        ((ExecutableProcedureReference)execute.ExecuteSpecification.ExecutableEntity).ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value;
}
