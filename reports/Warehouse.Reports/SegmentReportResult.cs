namespace Warehouse.Reports;

/// <summary>What <see cref="SegmentReport.Write"/> produced.</summary>
/// <param name="Path">Full path of the HTML file.</param>
/// <param name="Configurations">Configurations reported on.</param>
/// <param name="Customers">Customers in the reported runs.</param>
/// <param name="Images">Charts embedded.</param>
/// <param name="Bytes">Size of the HTML file.</param>
/// <param name="Elapsed">Time to build the report.</param>
public sealed record SegmentReportResult(string Path, IReadOnlyList<string> Configurations, int Customers, int Images, long Bytes, TimeSpan Elapsed);
