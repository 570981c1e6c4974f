using Spectre.Console;

namespace Warehouse.Etl.Cli;

/// <summary>
/// Console output of the host: Spectre.Console progress and tables on a terminal, plain lines when the output is
/// redirected (Spectre's progress display prints nothing without a TTY, see ../shared/FACTS.md).
/// </summary>
internal static class ConsoleUi
{
    /// <summary>Whether live progress can be drawn.</summary>
    public static bool Interactive => AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Sets a wide profile when output is redirected so tables do not wrap at 80 columns.</summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }
    }

    /// <summary>Runs the steps with a progress display (terminal) or one plain line per step (redirected).</summary>
    public static void RunSteps(IReadOnlyList<(string Name, Action Body)> steps)
    {
        if (Interactive)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var tasks = steps.Select(s => context.AddTask(Markup.Escape(s.Name), autoStart: false, maxValue: 1)).ToList();
                    for (var i = 0; i < steps.Count; i++)
                    {
                        tasks[i].StartTask();
                        tasks[i].IsIndeterminate = true;
                        steps[i].Body();
                        tasks[i].IsIndeterminate = false;
                        tasks[i].Value = 1;
                        tasks[i].StopTask();
                    }
                });
            return;
        }

        foreach (var (name, body) in steps)
        {
            var started = DateTime.UtcNow;
            Console.WriteLine($"{name} ...");
            body();
            Console.WriteLine($"{name}: done in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which reports named steps as it goes: each step is shown as a progress task
    /// (terminal) or as plain start/done lines (redirected).
    /// </summary>
    public static void RunStepsLive(Action<Action<string, Action>> body)
    {
        if (Interactive)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(context => body((name, step) =>
                {
                    var task = context.AddTask(Markup.Escape(name), autoStart: true, maxValue: 1);
                    task.IsIndeterminate = true;
                    step();
                    task.IsIndeterminate = false;
                    task.Value = 1;
                    task.StopTask();
                }));
            return;
        }

        body((name, step) =>
        {
            var started = DateTime.UtcNow;
            Console.WriteLine($"{name} ...");
            step();
            Console.WriteLine($"{name}: done in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        });
    }

    /// <summary>Writes a line (markup escaped).</summary>
    public static void Line(string text) => AnsiConsole.WriteLine(text);

    /// <summary>Writes an error line to standard error.</summary>
    public static void Error(string text) => Console.Error.WriteLine($"error: {text}");
}
