using System.Globalization;
using System.Net;
using System.Text;

namespace Warehouse.Reports.Html;

/// <summary>Builds the self-contained HTML page: inline CSS, images as base64 data URIs, no scripts, no external links.</summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _body = new();
    private int _images;

    public int ImageCount => _images;

    public void Heading(int level, string text) => _body.Append(CultureInfo.InvariantCulture, $"<h{level}>{Encode(text)}</h{level}>\n");

    public void Paragraph(string text) => _body.Append(CultureInfo.InvariantCulture, $"<p>{Encode(text)}</p>\n");

    public void Image(string id, string alt, byte[] png)
    {
        _images++;
        _body.Append(CultureInfo.InvariantCulture,
            $"<figure><img id=\"{Encode(id)}\" alt=\"{Encode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{Encode(alt)}</figcaption></figure>\n");
    }

    public void Table(string id, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<table id=\"{Encode(id)}\"><thead><tr>");
        foreach (var header in headers)
        {
            _body.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        _body.Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row)
            {
                _body.Append("<td>").Append(Encode(cell)).Append("</td>");
            }

            _body.Append("</tr>\n");
        }

        _body.Append("</tbody></table>\n");
    }

    public void Code(string text) => _body.Append("<pre><code>").Append(Encode(text)).Append("</code></pre>\n");

    public void Raw(string html) => _body.Append(html);

    public string Document(string title) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}}</title>
        <style>
        body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
        h1 { border-bottom: 2px solid #1f77b4; padding-bottom: 4px; }
        h2 { margin-top: 32px; color: #1f77b4; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th { background: #eef3f8; }
        td:first-child, th:first-child { text-align: left; }
        figure { margin: 8px 0 24px; }
        figure img { max-width: 100%; border: 1px solid #ddd; }
        figcaption { font-size: 12px; color: #666; }
        pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; font-size: 12px; }
        .grid { display: flex; flex-wrap: wrap; gap: 8px; }
        .grid figure { width: 48%; }
        </style>
        </head>
        <body>
        {{_body}}
        </body>
        </html>
        """;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
