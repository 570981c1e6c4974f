"""Writes the SSRS report definitions of reports/ (RDL 2016/01 schema) and the shared data source.

The reports are plain tables over the Reports.* views, so they are generated from one description here rather than
drawn in Report Builder; open them in Report Builder / SSDT to add charts or styling. Run from the repository root:
    python3 reports/generate_rdl.py
tests/Warehouse.Reports.Tests/Ssrs/RdlTests.cs checks every file against the RDL 2016 XSD and every field against the DacFx model.
"""
import os
import uuid
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition"
RD = "http://schemas.microsoft.com/SQLServer/reporting/reportdesigner"
DF = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition/defaultfontfamily"

# (column, .NET type, format)
def f(name, t="System.Double", fmt=None):
    return (name, t, fmt)

PROFILE_FIELDS = [f("ConfigurationName", "System.String"), f("SegmentKey", "System.Int32"), f("SegmentName", "System.String"),
                  f("CustomerCount", "System.Int64", "N0"), f("Share", fmt="P1"),
                  f("MeanRecencyDays", fmt="N1"), f("RecencyDaysIndex", fmt="N0"), f("MeanFrequency", fmt="N1"), f("FrequencyIndex", fmt="N0"),
                  f("MeanAverageOrderValue", fmt="N2"), f("AverageOrderValueIndex", fmt="N0"), f("MeanMonetaryValue", fmt="N0"), f("MonetaryValueIndex", fmt="N0"),
                  f("MeanWebEngagement", fmt="N2"), f("MeanSocialSentiment", fmt="N2"), f("RulePrecision", fmt="P1"), f("RuleCoverage", fmt="P1")]


def select(view, fields, where=None, order=None):
    sql = "SELECT " + ", ".join(name for name, _, _ in fields) + "\nFROM Reports." + view
    if where:
        sql += "\nWHERE " + where
    if order:
        sql += "\nORDER BY " + order
    return sql


REPORTS = {
    "SegmentOverview": {
        "title": "Segment overview",
        "parameters": [("ConfigurationName", "String", "Configuration", "default", None)],
        "datasets": [
            ("Profile", select("SegmentProfile", PROFILE_FIELDS, "ConfigurationName = @ConfigurationName", "CustomerCount DESC"), PROFILE_FIELDS, ["ConfigurationName"]),
        ],
    },
    "SegmentProfile": {
        "title": "Segment profile",
        "parameters": [("SegmentKey", "Integer", "Segment", None, "Segments")],
        "datasets": [
            ("Segments", select("SegmentProfile", [f("SegmentKey", "System.Int32"), f("SegmentName", "System.String")], order="SegmentName"),
             [f("SegmentKey", "System.Int32"), f("SegmentName", "System.String")], []),
            ("Comparison", select("SegmentComparison", [f("FeatureDisplayName", "System.String"), f("Mean", fmt="N2"), f("Median", fmt="N2"),
                                                         f("OverallMean", fmt="N2"), f("OverallMedian", fmt="N2"), f("MeanIndex", fmt="N0"), f("StandardizedMean", fmt="N2")],
                                  "SegmentKey = @SegmentKey", "FeatureOrder"),
             [f("FeatureDisplayName", "System.String"), f("Mean", fmt="N2"), f("Median", fmt="N2"), f("OverallMean", fmt="N2"),
              f("OverallMedian", fmt="N2"), f("MeanIndex", fmt="N0"), f("StandardizedMean", fmt="N2")], ["SegmentKey"]),
            ("Explanation", select("SegmentExplanation", [f("Predicate", "System.String"), f("MeasuredPrecision", fmt="P1"), f("MeasuredCoverage", fmt="P1")],
                                   "SegmentKey = @SegmentKey AND IsLatest = 1"),
             [f("Predicate", "System.String"), f("MeasuredPrecision", fmt="P1"), f("MeasuredCoverage", fmt="P1")], ["SegmentKey"]),
            ("TopProducts", select("SegmentTopProduct", [f("RevenueRank", "System.Int64"), f("StockCode", "System.String"), f("ProductDescription", "System.String"),
                                                          f("Revenue", fmt="N0"), f("RevenueShare", fmt="P1"), f("ShareIndex", fmt="N0")],
                                   "SegmentKey = @SegmentKey AND RevenueRank <= 10", "RevenueRank"),
             [f("RevenueRank", "System.Int64"), f("StockCode", "System.String"), f("ProductDescription", "System.String"),
              f("Revenue", fmt="N0"), f("RevenueShare", fmt="P1"), f("ShareIndex", fmt="N0")], ["SegmentKey"]),
            ("TopCountries", select("SegmentTopCountry", [f("CustomerRank", "System.Int64"), f("Country", "System.String"), f("Customers", "System.Int64", "N0"),
                                                           f("CustomerShare", fmt="P1"), f("ShareIndex", fmt="N0")],
                                    "SegmentKey = @SegmentKey AND CustomerRank <= 10", "CustomerRank"),
             [f("CustomerRank", "System.Int64"), f("Country", "System.String"), f("Customers", "System.Int64", "N0"),
              f("CustomerShare", fmt="P1"), f("ShareIndex", fmt="N0")], ["SegmentKey"]),
            ("TopChannels", select("SegmentTopChannel", [f("RevenueRank", "System.Int64"), f("ChannelName", "System.String"), f("Revenue", fmt="N0"),
                                                          f("RevenueShare", fmt="P1"), f("ShareIndex", fmt="N0")],
                                   "SegmentKey = @SegmentKey", "RevenueRank"),
             [f("RevenueRank", "System.Int64"), f("ChannelName", "System.String"), f("Revenue", fmt="N0"),
              f("RevenueShare", fmt="P1"), f("ShareIndex", fmt="N0")], ["SegmentKey"]),
        ],
    },
    "CustomerDrillDown": {
        "title": "Customers of a segment",
        "parameters": [("SegmentKey", "Integer", "Segment", None, "Segments")],
        "datasets": [
            ("Segments", select("SegmentProfile", [f("SegmentKey", "System.Int32"), f("SegmentName", "System.String")], order="SegmentName"),
             [f("SegmentKey", "System.Int32"), f("SegmentName", "System.String")], []),
            ("Customers", select("CustomerDrillDown", [f("CrmCustomerId", "System.String"), f("Country", "System.String"), f("MemberSince", "System.DateTime", "d"),
                                                        f("Distance", fmt="N3"), f("RecencyDays", "System.Int32"), f("Frequency", "System.Int32"),
                                                        f("MonetaryValue", "System.Decimal", "N2"), f("AverageOrderValue", "System.Decimal", "N2"),
                                                        f("WebEngagement", fmt="N2"), f("SocialSentiment", fmt="N2")],
                                 "SegmentKey = @SegmentKey", "MonetaryValue DESC"),
             [f("CrmCustomerId", "System.String"), f("Country", "System.String"), f("MemberSince", "System.DateTime", "d"), f("Distance", fmt="N3"),
              f("RecencyDays", "System.Int32"), f("Frequency", "System.Int32"), f("MonetaryValue", "System.Decimal", "N2"),
              f("AverageOrderValue", "System.Decimal", "N2"), f("WebEngagement", fmt="N2"), f("SocialSentiment", fmt="N2")], ["SegmentKey"]),
        ],
    },
    "ModelQuality": {
        "title": "Model quality",
        "parameters": [("ConfigurationName", "String", "Configuration", "default", None)],
        "datasets": [
            ("Runs", select("ModelQuality", [f("ModelRunKey", "System.Int32"), f("StartedAt", "System.DateTime", "g"), f("Algorithm", "System.String"),
                                              f("NumberOfSegments", "System.Int32"), f("NumberOfCustomers", "System.Int32", "N0"), f("Inertia", fmt="N1"),
                                              f("Silhouette", fmt="N3"), f("DaviesBouldin", fmt="N3"), f("CalinskiHarabasz", fmt="N1"), f("Host", "System.String")],
                            "ConfigurationName = @ConfigurationName", "ModelRunKey"),
             [f("ModelRunKey", "System.Int32"), f("StartedAt", "System.DateTime", "g"), f("Algorithm", "System.String"), f("NumberOfSegments", "System.Int32"),
              f("NumberOfCustomers", "System.Int32", "N0"), f("Inertia", fmt="N1"), f("Silhouette", fmt="N3"), f("DaviesBouldin", fmt="N3"),
              f("CalinskiHarabasz", fmt="N1"), f("Host", "System.String")], ["ConfigurationName"]),
            ("Sizes", select("SegmentSizeHistory", [f("ModelRunKey", "System.Int32"), f("SegmentName", "System.String"), f("CustomerCount", "System.Int32", "N0"),
                                                     f("Share", fmt="P1"), f("MatchDistance", fmt="N3"), f("IsNewSegment", "System.Int32")],
                             "ConfigurationName = @ConfigurationName", "ModelRunKey, SegmentKey"),
             [f("ModelRunKey", "System.Int32"), f("SegmentName", "System.String"), f("CustomerCount", "System.Int32", "N0"), f("Share", fmt="P1"),
              f("MatchDistance", fmt="N3"), f("IsNewSegment", "System.Int32")], ["ConfigurationName"]),
        ],
    },
}


def guid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "warehouse-segmentation/reports/" + name))


def textbox(name, value, bold=False, fmt=None, size=None):
    style = ""
    if bold or fmt:
        style = "<Style>" + ("<FontWeight>Bold</FontWeight>" if bold else "") + (f"<Format>{fmt}</Format>" if fmt else "") + "</Style>"
    box_style = f"<Style><FontSize>{size}</FontSize></Style>" if size else ""
    return (f'<Textbox Name="{name}"><CanGrow>true</CanGrow><KeepTogether>true</KeepTogether><Paragraphs><Paragraph><TextRuns>'
            f'<TextRun><Value>{escape(value)}</Value>{style}</TextRun></TextRuns>{box_style}</Paragraph></Paragraphs>'
            f'<Style><Border><Style>Solid</Style><Color>LightGrey</Color></Border><PaddingLeft>2pt</PaddingLeft><PaddingRight>2pt</PaddingRight></Style></Textbox>')


def tablix(dataset, fields, top):
    width = 1.1
    cols = "".join(f"<TablixColumn><Width>{width}in</Width></TablixColumn>" for _ in fields)
    header = "".join(f"<TablixCell><CellContents>{textbox(dataset + '_' + n + '_Header', n, bold=True)}</CellContents></TablixCell>" for n, _, _ in fields)
    detail = "".join(f"<TablixCell><CellContents>{textbox(dataset + '_' + n, '=Fields!' + n + '.Value', fmt=fmt)}</CellContents></TablixCell>" for n, _, fmt in fields)
    members = "<TablixMember />" * len(fields)
    return (f'<Tablix Name="{dataset}Table"><TablixBody><TablixColumns>{cols}</TablixColumns><TablixRows>'
            f'<TablixRow><Height>0.25in</Height><TablixCells>{header}</TablixCells></TablixRow>'
            f'<TablixRow><Height>0.25in</Height><TablixCells>{detail}</TablixCells></TablixRow></TablixRows></TablixBody>'
            f'<TablixColumnHierarchy><TablixMembers>{members}</TablixMembers></TablixColumnHierarchy>'
            f'<TablixRowHierarchy><TablixMembers><TablixMember><KeepWithGroup>After</KeepWithGroup><RepeatOnNewPage>true</RepeatOnNewPage></TablixMember>'
            f'<TablixMember><Group Name="{dataset}Details" /></TablixMember></TablixMembers></TablixRowHierarchy>'
            f'<DataSetName>{dataset}</DataSetName><Top>{top}in</Top><Left>0in</Left><Height>0.5in</Height><Width>{width * len(fields):.2f}in</Width></Tablix>'), width * len(fields)


def report(name, spec):
    out = [f'<?xml version="1.0" encoding="utf-8"?>',
           f'<Report xmlns="{NS}" xmlns:rd="{RD}" xmlns:df="{DF}" MustUnderstand="df">',
           '  <df:DefaultFontFamily>Segoe UI</df:DefaultFontFamily>',
           '  <AutoRefresh>0</AutoRefresh>',
           '  <DataSources>',
           '    <DataSource Name="Warehouse">',
           '      <DataSourceReference>Warehouse</DataSourceReference>',
           f'      <rd:DataSourceID>{guid("datasource")}</rd:DataSourceID>',
           '    </DataSource>',
           '  </DataSources>',
           '  <DataSets>']
    for ds, sql, fields, params in spec["datasets"]:
        out.append(f'    <DataSet Name="{ds}">')
        out.append('      <Query>')
        out.append('        <DataSourceName>Warehouse</DataSourceName>')
        if params:
            out.append('        <QueryParameters>')
            for p in params:
                out.append(f'          <QueryParameter Name="@{p}"><Value>=Parameters!{p}.Value</Value></QueryParameter>')
            out.append('        </QueryParameters>')
        out.append(f'        <CommandText>{escape(sql)}</CommandText>')
        out.append('      </Query>')
        out.append('      <Fields>')
        for n, t, _ in fields:
            out.append(f'        <Field Name="{n}"><DataField>{n}</DataField><rd:TypeName>{t}</rd:TypeName></Field>')
        out.append('      </Fields>')
        out.append('    </DataSet>')
    out.append('  </DataSets>')
    items = [f'<Textbox Name="Title"><CanGrow>true</CanGrow><KeepTogether>true</KeepTogether><Paragraphs><Paragraph><TextRuns><TextRun>'
             f'<Value>{escape(spec["title"])}</Value><Style><FontSize>16pt</FontSize><FontWeight>Bold</FontWeight></Style></TextRun></TextRuns></Paragraph></Paragraphs>'
             f'<Top>0in</Top><Left>0in</Left><Height>0.4in</Height><Width>6in</Width></Textbox>']
    top = 0.5
    widest = 6.0
    for ds, _, fields, _ in spec["datasets"]:
        if ds == "Segments":
            continue
        xml, width = tablix(ds, fields, top)
        items.append(xml)
        widest = max(widest, width)
        top += 0.75
    out.append('  <ReportSections><ReportSection><Body><ReportItems>')
    out.extend('    ' + i for i in items)
    out.append(f'  </ReportItems><Height>{top:.2f}in</Height></Body><Width>{widest:.2f}in</Width>')
    out.append('  <Page><PageHeight>8.5in</PageHeight><PageWidth>11in</PageWidth><LeftMargin>0.5in</LeftMargin><RightMargin>0.5in</RightMargin>'
               '<TopMargin>0.5in</TopMargin><BottomMargin>0.5in</BottomMargin></Page></ReportSection></ReportSections>')
    out.append('  <ReportParameters>')
    for pname, ptype, prompt, default, valid in spec["parameters"]:
        out.append(f'    <ReportParameter Name="{pname}"><DataType>{ptype}</DataType>')
        if default is not None:
            out.append(f'      <DefaultValue><Values><Value>{escape(default)}</Value></Values></DefaultValue>')
        out.append(f'      <Prompt>{escape(prompt)}</Prompt>')
        if valid:
            out.append(f'      <ValidValues><DataSetReference><DataSetName>{valid}</DataSetName><ValueField>SegmentKey</ValueField><LabelField>SegmentName</LabelField></DataSetReference></ValidValues>')
        out.append('    </ReportParameter>')
    out.append('  </ReportParameters>')
    out.append('  <rd:ReportUnitType>Inch</rd:ReportUnitType>')
    out.append(f'  <rd:ReportID>{guid(name)}</rd:ReportID>')
    out.append('</Report>')
    with open(os.path.join(HERE, name + ".rdl"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(out) + "\n")


for name, spec in REPORTS.items():
    report(name, spec)

with open(os.path.join(HERE, "Warehouse.rds"), "w", encoding="utf-8", newline="\n") as fh:
    fh.write(f'''<?xml version="1.0" encoding="utf-8"?>
<RptDataSource xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Name="Warehouse">
  <ConnectionProperties>
    <Extension>SQL</Extension>
    <ConnectString>Data Source=localhost;Initial Catalog=Warehouse</ConnectString>
    <IntegratedSecurity>true</IntegratedSecurity>
  </ConnectionProperties>
  <DataSourceID>{guid("datasource")}</DataSourceID>
</RptDataSource>
''')
