using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Dapper;

namespace Warehouse.Reports.Tests.Html;

/// <summary>
/// The HTML report built from the synthetic warehouse, opened in headless Chromium: it loads without console errors,
/// every image decodes to a non-empty bitmap in the browser, and a screenshot is produced.
/// </summary>
public sealed partial class SegmentReportBrowserTests : IDisposable
{
    private readonly SyntheticWarehouse _data = SyntheticWarehouse.Create(customersPerSegment: 50);
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("segment-report-");

    public void Dispose()
    {
        _data.Dispose();
        _output.Delete(recursive: true);
    }

    [GeneratedRegex("<img id=\"([^\"]+)\"[^>]*src=\"data:image/png;base64,([^\"]+)\"")]
    private static partial Regex ImagePattern();

    [Fact]
    public void Report_is_self_contained_and_every_chart_is_a_real_png()
    {
        var result = SegmentReport.Write(_data.Warehouse, _output.FullName);
        var html = File.ReadAllText(result.Path);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var images = ImagePattern().Matches(html).Select(m => (Id: m.Groups[1].Value, Bytes: Convert.FromBase64String(m.Groups[2].Value))).ToList();
        Assert.Equal(result.Images, images.Count);
        // Sizes, PCA, heat map, dendrogram, silhouette, elbow, one distribution per run feature (6).
        var ids = images.Select(i => i.Id).ToList();
        foreach (var expected in new[] { "default-sizes", "default-pca", "default-heatmap", "default-dendrogram", "default-silhouette", "default-elbow", "default-distribution-recencydays" })
        {
            Assert.Contains(expected, ids);
        }

        Assert.Equal(12, images.Count);
        foreach (var (id, bytes) in images)
        {
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{id} is not a PNG");
            Assert.True(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)) >= 300, $"{id} width");
            Assert.True(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)) >= 200, $"{id} height");
            Assert.True(bytes.Length > 5000, $"{id} has only {bytes.Length} bytes: an empty chart?");
        }

        // Tables from the views: profile, rules (learned because the run had none), products, quality.
        Assert.Contains("id=\"default-profile\"", html, StringComparison.Ordinal);
        Assert.Contains("RecencyDays", html, StringComparison.Ordinal);
        Assert.Equal(3, _data.Warehouse.Connection.QuerySingle<long>("SELECT COUNT(*) FROM Segmentation.SegmentRule"));
        Assert.Contains("Segment A", html, StringComparison.Ordinal);
        Assert.Equal(_data.Customers.Count, result.Customers);
        // The run's metrics hold a k curve with BIC: the elbow chart uses it rather than the sample fallback.
        Assert.Contains("bic by number of segments", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Chromium_loads_the_page_without_console_errors_decodes_every_image_and_takes_a_screenshot()
    {
        var result = SegmentReport.Write(_data.Warehouse, _output.FullName);

        // 1. Screenshot of the report as shipped, with console logging on.
        var screenshot = Path.Combine(_output.FullName, "report.png");
        var (_, stderr, _) = Chromium.Run(result.Path, $"--screenshot={screenshot}", "--window-size=1280,2400", "--hide-scrollbars");
        Assert.True(File.Exists(screenshot), "no screenshot: " + stderr);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "screenshot is suspiciously small");
        var consoleErrors = stderr.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();
        Assert.Empty(consoleErrors);

        // 2. A copy with a probe script: after the load event it records, in the DOM, each image's decoded size and
        //    every error the page raised; --dump-dom prints the DOM once the page has loaded.
        var probe = Path.Combine(_output.FullName, "probe.html");
        var html = File.ReadAllText(result.Path);
        File.WriteAllText(probe, html.Replace("<head>", """
            <head><script>
            window.__errors = [];
            window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
            const originalError = console.error;
            console.error = (...args) => { window.__errors.push(args.join(' ')); originalError(...args); };
            window.addEventListener('load', () => {
              const images = Array.from(document.images).map(i => i.id + ':' + i.naturalWidth + 'x' + i.naturalHeight + ':' + i.complete);
              const out = document.createElement('pre');
              out.id = 'probe';
              out.textContent = JSON.stringify({ images, errors: window.__errors });
              document.body.appendChild(out);
            });
            </script>
            """, StringComparison.Ordinal));
        var (dom, probeErrors, _) = Chromium.Run(probe, "--dump-dom", "--virtual-time-budget=10000");
        var match = Regex.Match(dom, "<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(match.Success, "the probe did not run; stderr: " + probeErrors);
        var report = System.Text.Json.JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement;
        Assert.Equal(0, report.GetProperty("errors").GetArrayLength());
        var decoded = report.GetProperty("images").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(result.Images, decoded.Count);
        foreach (var image in decoded)
        {
            var parts = image.Split(':');
            var size = parts[1].Split('x').Select(int.Parse).ToArray();
            Assert.True(size[0] > 0 && size[1] > 0 && parts[2] == "true", $"image not decoded by the browser: {image}");
        }
    }
}
