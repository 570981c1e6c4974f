using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Warehouse.Reports.Tests.Ssrs;

/// <summary>
/// The SSRS report definitions in reports/: valid against Microsoft's RDL 2016 schema (../shared/schemas/rdl), one
/// shared data source, and every dataset reads only Reports.* views whose columns (in the DacFx model of the database)
/// include every field. Mutated copies prove the checks fail when a column is renamed or a table is read directly.
/// </summary>
public sealed class RdlTests(ViewModelFixture model) : IClassFixture<ViewModelFixture>
{
    private static readonly string ReportsFolder = Path.Combine(TestFiles.RepositoryRoot, "reports");

    public static TheoryData<string> Reports() => new(Directory.GetFiles(Path.Combine(TestFiles.RepositoryRoot, "reports"), "*.rdl").Select(Path.GetFileName).Order()!);

    [Fact]
    public void The_four_reports_and_the_shared_data_source_exist()
    {
        Assert.Equal(["CustomerDrillDown.rdl", "ModelQuality.rdl", "SegmentOverview.rdl", "SegmentProfile.rdl"],
            Directory.GetFiles(ReportsFolder, "*.rdl").Select(Path.GetFileName).Order());
        var source = XDocument.Load(Path.Combine(ReportsFolder, "Warehouse.rds")).Root!;
        Assert.Equal("RptDataSource", source.Name.LocalName);
        Assert.Equal("Warehouse", (string?)source.Attribute("Name"));
        Assert.Equal("SQL", (string?)source.Element("ConnectionProperties")?.Element("Extension"));
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Report_is_valid_against_the_rdl_2016_schema(string file)
    {
        var errors = Validate(File.ReadAllText(Path.Combine(ReportsFolder, file)));
        Assert.Empty(errors);
    }

    [Fact]
    public void Schema_validation_rejects_an_invalid_report()
    {
        var text = File.ReadAllText(Path.Combine(ReportsFolder, "SegmentOverview.rdl")).Replace("<KeepWithGroup>After</KeepWithGroup>", "<KeepWithGroup>Sideways</KeepWithGroup>", StringComparison.Ordinal);
        Assert.NotEmpty(Validate(text));
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Every_dataset_reads_reports_views_and_every_field_is_a_column_of_the_view(string file)
    {
        Assert.Empty(model.Errors);
        var problems = RdlChecker.Check(XDocument.Load(Path.Combine(ReportsFolder, file)), file, model.Views, "Warehouse");
        Assert.Empty(problems);
    }

    [Fact]
    public void A_renamed_column_or_a_direct_table_read_breaks_the_check()
    {
        var text = File.ReadAllText(Path.Combine(ReportsFolder, "SegmentOverview.rdl"));
        var renamedField = XDocument.Parse(text.Replace("<DataField>MeanFrequency</DataField>", "<DataField>AverageFrequency</DataField>", StringComparison.Ordinal));
        Assert.Contains(RdlChecker.Check(renamedField, "x.rdl", model.Views, "Warehouse"), p => p.Contains("AverageFrequency", StringComparison.Ordinal));

        // The view loses a column (as if it were renamed in the database): the report's field no longer resolves.
        var views = model.Views.ToDictionary(v => v.Key, v => new HashSet<string>(v.Value, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        views["Reports.SegmentProfile"].Remove("MeanFrequency");
        Assert.Contains(RdlChecker.Check(XDocument.Parse(text), "x.rdl", views, "Warehouse"), p => p.Contains("MeanFrequency", StringComparison.Ordinal));

        var direct = XDocument.Parse(text.Replace("FROM Reports.SegmentProfile", "FROM Segmentation.Segment", StringComparison.Ordinal));
        Assert.Contains(RdlChecker.Check(direct, "x.rdl", model.Views, "Warehouse"), p => p.Contains("only Reports.* views", StringComparison.Ordinal));
    }

    [Fact]
    public void The_model_knows_the_reports_views_with_their_columns()
    {
        Assert.Contains("MedianRecencyDays", model.Views["Reports.SegmentProfile"]);
        Assert.Contains("StandardizedMean", model.Views["Reports.SegmentComparison"]);
        Assert.Contains("CrmCustomerId", model.Views["Reports.CustomerDrillDown"]);
    }

    private static List<string> Validate(string rdl)
    {
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema };
        var schemas = Path.Combine(TestFiles.Shared, "schemas", "rdl");
        settings.Schemas.Add(null, Path.Combine(schemas, "ReportDefinition2016.xsd"));
        settings.Schemas.Add(null, Path.Combine(schemas, "DefaultFontFamily2016.xsd"));
        var errors = new List<string>();
        settings.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error)
            {
                errors.Add($"line {e.Exception.LineNumber}: {e.Message}");
            }
        };
        using var reader = XmlReader.Create(new StringReader(rdl), settings);
        while (reader.Read())
        {
        }

        return errors;
    }
}
