using System.Diagnostics;

namespace Warehouse.Reports.Tests.Html;

/// <summary>Runs Debian's headless Chromium (installed by tests/run-all.sh) on a local file.</summary>
public static class Chromium
{
    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed; tests/run-all.sh installs Debian's chromium package.");

    /// <summary>Runs the browser with the standard headless flags plus <paramref name="arguments"/>; returns stdout and stderr.</summary>
    public static (string Stdout, string Stderr, int ExitCode) Run(string file, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile.FullName}",
                     }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(new Uri(file).AbsoluteUri);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish on {file} within 2 minutes.");
            }

            return (stdout.Result, stderr.Result, process.ExitCode);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
